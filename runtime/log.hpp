#pragma once
// log: one line per event on stderr, "2026-11-27T12:00:00.123Z info  node/actor: text".
// Thread-safe; the level is process-wide (INFERGRID_LOG=debug|info|warn|error, default info), and
// every line below it is left out, batched or not (the access log is info: `warn` drops it).
// High-rate lines (the HTTP access log) may be batched: log_line_batched keeps the line, stamped
// now, and it is written with the next log_line (before it, so the order holds), the next
// flush_batched_log (whoever batches calls it on a timer), when 32 KiB are held, or at exit(). A
// process that crashes or is killed loses what it held.
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace infergrid {

enum class log_level { debug = 0, info = 1, warn = 2, error = 3 };

bool log_enabled(log_level level);
void set_log_level(log_level level);
void log_line(log_level level, std::string_view source, std::string_view text);
void log_line_batched(log_level level, std::string_view source, std::string_view text);
void flush_batched_log();

template <class... Args>
void log(log_level level, std::string_view source, fmt::format_string<Args...> format, Args&&... args) {
  if (!log_enabled(level)) return;
  log_line(level, source, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace infergrid

namespace infergrid {

// At most `per_second` lines a second from one source: every refusal is counted, but a flood of
// them must not flood the log too. Owned by one thread.
class log_budget {
 public:
  explicit log_budget(int per_second) : per_second_(per_second) {}
  bool take(std::int64_t now_ms) {
    if (now_ms / 1000 != second_) {
      second_ = now_ms / 1000;
      used_ = 0;
    }
    return ++used_ <= per_second_;
  }

 private:
  int per_second_;
  std::int64_t second_ = 0;
  int used_ = 0;
};

}  // namespace infergrid

namespace infergrid {
// Refusals (envelopes, handshakes) logged per second at most by one source.
inline constexpr int refusal_logs_per_second = 20;
}  // namespace infergrid
