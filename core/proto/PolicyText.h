#pragma once

#include "common/Result.h"
#include "proto/agent.pb.h"

#include <string>
#include <string_view>
#include <vector>

namespace yagura::protocol {

// A policy spec as operators read and write it: JSON with the proto field names, every field
// present, one per line — so two versions diff line by line.
std::string policyToText(const proto::PolicySpec& spec);
// The reverse; unknown fields and wrong types are refused with one line.
Result<proto::PolicySpec> policyFromText(std::string_view text);

// A line diff (longest common subsequence): each line of the result starts with "  " (both),
// "- " (only before) or "+ " (only after).
std::vector<std::string> diffLines(std::string_view before, std::string_view after);

} // namespace yagura::protocol
