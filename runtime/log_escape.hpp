#pragma once
// log_escape: how log_line (log.hpp) writes text from outside. Every byte below 0x20 and 0x7f in
// a line's source or text is written as \xNN (a newline as \x0a), so a sender's name, a request
// path or an error message can never start a log line of its own; other bytes pass unchanged.
// The CLI prints what miners chose (model, node and worker names) the same way.
#include <string>
#include <string_view>

namespace infergrid {

bool is_control_character(char c);  // a byte below 0x20, or 0x7f
bool has_control_characters(std::string_view text);

std::string escape_control_characters(std::string_view text);

}  // namespace infergrid
