#include "runtime/log.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include "runtime/log_escape.hpp"
#include "runtime/log_level_name.hpp"

namespace infergrid {
namespace {

log_level level_from_environment() {
  const char* value = std::getenv("INFERGRID_LOG");
  if (value == nullptr) return log_level::info;
  return log_level_named(value).value_or(log_level::info);
}

std::atomic<int>& current_level() {
  static std::atomic<int> level{static_cast<int>(level_from_environment())};
  return level;
}

const char* level_name(log_level level) {
  switch (level) {
    case log_level::debug: return "debug";
    case log_level::info: return "info ";
    case log_level::warn: return "warn ";
    case log_level::error: return "error";
  }
  return "?    ";
}

}  // namespace

bool log_enabled(log_level level) { return static_cast<int>(level) >= current_level().load(std::memory_order_relaxed); }

void set_log_level(log_level level) { current_level().store(static_cast<int>(level)); }

bool is_control_character(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

bool has_control_characters(std::string_view text) {
  return std::any_of(text.begin(), text.end(), is_control_character);
}

std::string escape_control_characters(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (!is_control_character(c)) {
      out += c;
    } else {
      out += "\\x";
      out += digits[byte >> 4];
      out += digits[byte & 0xf];
    }
  }
  return out;
}

namespace {

// Neither is ever destroyed: the exit-time flush and static destructors may still log after this
// file's statics would be gone.
std::mutex& write_mutex() {
  static auto* mutex = new std::mutex;
  return *mutex;
}

// Batched lines not yet written (with write_mutex held).
std::string& held_lines() {
  static auto* held = new std::string;
  return *held;
}

// Flush when this much is held, whatever the timer says.
constexpr std::size_t held_bytes_max = 32 * 1024;

void write_held_locked() {
  std::string& held = held_lines();
  if (held.empty()) return;
  std::fwrite(held.data(), 1, held.size(), stderr);
  std::fflush(stderr);
  held.clear();
}

std::string format_line(log_level level, std::string_view source_raw, std::string_view text_raw) {
  const std::string source = escape_control_characters(source_raw);
  const std::string text = escape_control_characters(text_raw);
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03d}Z {} {}: {}\n", stamp, static_cast<int>(ms % 1000), level_name(level), source, text);
}

}  // namespace

void log_line(log_level level, std::string_view source, std::string_view text) {
  if (!log_enabled(level)) return;
  const std::string line = format_line(level, source, text);
  std::lock_guard lock(write_mutex());
  write_held_locked();  // batched lines were logged first: they come first
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void log_line_batched(log_level level, std::string_view source, std::string_view text) {
  if (!log_enabled(level)) return;  // the access log is info: INFERGRID_LOG=warn leaves it out
  static const bool flushed_at_exit = [] { return std::atexit(flush_batched_log) == 0; }();
  (void)flushed_at_exit;
  const std::string line = format_line(level, source, text);
  std::lock_guard lock(write_mutex());
  held_lines() += line;
  if (held_lines().size() >= held_bytes_max) write_held_locked();
}

void flush_batched_log() {
  std::lock_guard lock(write_mutex());
  write_held_locked();
}

}  // namespace infergrid
