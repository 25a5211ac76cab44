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

}  // namespace

std::string access_line(const access_record& r) {
  return fmt::format(
      "access id={} method={} path={} account={} model={} miner={} status={} prompt_tokens={} completion_tokens={} "
      "latency_ms={:.1f}",
      field(r.request_id), field(r.method), field(r.path), field(r.account), field(r.model), field(r.miner), r.status,
      r.prompt_tokens, r.completion_tokens, r.latency_s * 1000.0);
}

void log_access(const access_record& record) { log_line_batched(log_level::info, "http_bridge", access_line(record)); }

}  // namespace infergrid::http
