#pragma once
// access_log: one structured line per HTTP request, logged (info, source http_bridge) as
//   access id=chatcmpl-… method=POST path=/v1/chat/completions account=dev model=stories260k
//          miner=<worker id> status=200 prompt_tokens=5 completion_tokens=16 latency_ms=41.7
// Missing values are "-"; a value with a space, '"' or '=' is quoted with '"' and '\' escaped, and
// control characters are escaped by the log itself, so a field can never forge a line or a field.
// Lines are batched (log_line_batched): the bridge writes them every access_log_flush_ms, so a
// crowd of dashboard readers costs one write a tenth of a second, not one per request.
#include <cstdint>
#include <string>

namespace infergrid::http {

struct access_record {
  std::string request_id;
  std::string method;
  std::string path;
  std::string account;  // the key's account ("" before authentication)
  std::string model;
  std::string miner;
  int status = 0;
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  double latency_s = 0;
};

// How often the bridge writes the access lines it holds.
inline constexpr std::int64_t access_log_flush_ms = 100;

std::string access_line(const access_record& record);
void log_access(const access_record& record);

}  // namespace infergrid::http
