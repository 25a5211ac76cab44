#pragma once
// log_level_name: the log levels by name, as INFERGRID_LOG and `infergrid --log-level` take them
// (debug, info, warn, error) — one table for both.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/log.hpp"

namespace infergrid {

std::optional<log_level> log_level_named(std::string_view name);  // none for an unknown name
std::vector<std::string> log_level_names();                       // in order, debug first

}  // namespace infergrid
