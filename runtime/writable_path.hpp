#pragma once
// writable_path: whether this process could create or rewrite the file at `path` (a journal a
// setting names) — its folder exists and is writable, and the file, when there, too — asking,
// creating nothing, so `infergrid check-config` can say so before the actor that writes it starts.
#include <string>

#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid {

status check_writable_path(const std::string& path);
// The same for the file the setting `key` names ("" names none), the error naming the file, line and
// key and reported through `config` (listed when it lists errors).
status check_writable_setting(const settings& config, std::string_view key, const std::string& path);

}  // namespace infergrid
