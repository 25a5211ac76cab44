#pragma once
// log_escape: how log_line (log.hpp) writes text from outside. Every byte below 0x20 and 0x7f in
// a line's source or text is written as \xNN (a newline as \x0a), so a sender's name, a request
// path or an error message can never start a log line of its own; other bytes pass unchanged.
#include <string>
#include <string_view>

namespace infergrid {

std::string escape_control_characters(std::string_view text);

}  // namespace infergrid
