#pragma once

#include "common/Result.h"
#include "detect/Event.h"

#include <string_view>
#include <vector>

namespace yagura::detect {

// Events for offline rule tests: one JSON object, an array of objects, or NDJSON (one object
// per line). Nested objects are flattened so a Sigma field name matches the innermost key (the
// way Windows event JSON exported from EVTX keeps its fields under Event.EventData), and the
// dotted path is set too. An event states its log source with a "logsource" object
// ({"category": ..., "product": ..., "service": ...}); without one it is matched against every
// rule.
Result<std::vector<Event>> parseJsonEvents(std::string_view text);

} // namespace yagura::detect
