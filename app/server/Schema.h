#pragma once

#include "store/Database.h"

#include <span>

namespace yagura::server {

// The site store's schema, as numbered migrations. Append new versions; never edit old ones.
std::span<const store::Migration> siteMigrations();

} // namespace yagura::server
