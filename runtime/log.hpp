#pragma once
// log: one line per event on stderr, "2026-11-27T12:00:00.123Z info  node/actor: text".
// Thread-safe; the level is process-wide (INFERGRID_LOG=debug|info|warn|error, default info).
#include <string_view>

#include <fmt/format.h>

namespace infergrid {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

bool log_enabled(log_level level);
void set_log_level(log_level level);
void log_line(log_level level, std::string_view source, std::string_view text);

template <class... Args>
void log(log_level level, std::string_view source, fmt::format_string<Args...> format, Args&&... args) {
  if (!log_enabled(level)) return;
  log_line(level, source, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace infergrid
