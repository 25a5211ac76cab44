#include "runtime/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include "runtime/log_escape.hpp"

namespace infergrid {
namespace {

log_level level_from_environment() {
  const char* value = std::getenv("INFERGRID_LOG");
  if (value == nullptr) return log_level::info;
  if (std::strcmp(value, "debug") == 0) return log_level::debug;
  if (std::strcmp(value, "warn") == 0) return log_level::warn;
  if (std::strcmp(value, "error") == 0) return log_level::error;
  return log_level::info;
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

std::string escape_control_characters(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += digits[byte >> 4];
      out += digits[byte & 0xf];
    }
  }
  return out;
}

void log_line(log_level level, std::string_view source_raw, std::string_view text_raw) {
  static std::mutex mutex;
  const std::string source = escape_control_characters(source_raw);
  const std::string text = escape_control_characters(text_raw);
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s.%03dZ %s %.*s: %.*s\n", stamp, static_cast<int>(ms % 1000), level_name(level),
               static_cast<int>(source.size()), source.data(), static_cast<int>(text.size()), text.data());
  std::fflush(stderr);
}

}  // namespace infergrid
