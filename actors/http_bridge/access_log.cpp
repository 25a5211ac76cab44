#include "actors/http_bridge/access_log.hpp"

#include <fmt/format.h>

#include "runtime/log.hpp"

namespace infergrid::http {
namespace {

std::string field(const std::string& value) {
  if (value.empty()) return "-";
  if (value.find_first_of(" \"=\\") == std::string::npos) return value;
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The first `bytes_max` bytes of `text`, not ending inside a UTF-8 sequence, "…" marking a cut.
std::string cut(const std::string& text, std::size_t bytes_max) {
  if (text.size() <= bytes_max) return text;
  std::size_t end = bytes_max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

}  // namespace

std::string access_line(const access_record& r) {
  std::string line = fmt::format(
      "access id={} method={} path={} account={} model={} miner={} status={} prompt_tokens={} completion_tokens={} "
      "latency_ms={:.1f}",
      field(r.request_id), field(r.method), field(r.path), field(r.account), field(r.model), field(r.miner), r.status,
      r.prompt_tokens, r.completion_tokens, r.latency_s * 1000.0);
  if (r.status < 200 || r.status > 299) {
    line += fmt::format(" error={} reason={}", field(r.error_code), field(cut(r.error_reason, access_reason_bytes_max)));
  }
  return line;
}

void log_access(access_record record, const api_error* failure) {
  if (!log_enabled(log_level::info)) return;  // INFERGRID_LOG=warn|error: not even formatted
  if (failure != nullptr) {
    record.error_code = failure->code.empty() ? failure->type : failure->code;
    record.error_reason = failure->message;
  }
  log_line_batched(log_level::info, "http_bridge", access_line(record));
}

}  // namespace infergrid::http
