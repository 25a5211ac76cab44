#pragma once
// access_log: one structured line per HTTP request, logged (info, source http_bridge) as
//   access id=chatcmpl-… method=POST path=/v1/chat/completions account=dev model=stories260k
//          miner=<worker id> status=200 prompt_tokens=5 completion_tokens=16 latency_ms=41.7
// and, for an answer outside 2xx, the API error's code and the start of its message:
//          … status=429 … error=overloaded reason="worker lost: …"
// so a 429 of a lost worker (overloaded) reads differently from a rate limit (rate_limit_exceeded).
// Missing values are "-"; a value with a space, '"' or '=' is quoted with '"' and '\' escaped, and
// control characters are escaped by the log itself, so a field can never forge a line or a field.
// Lines are batched (log_line_batched): the bridge writes them every access_log_flush_ms, so a
// crowd of dashboard readers costs one write a tenth of a second, not one per request. They are
// info lines like any other: INFERGRID_LOG=warn or error leaves them out (access_log=false too).
#include <cstdint>
#include <string>

#include "actors/http_bridge/api_error.hpp"

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
  std::string error_code;    // outside 2xx: the API error's code ("overloaded", "timeout", …)
  std::string error_reason;  // outside 2xx: its message, cut to access_reason_bytes_max
};

// The most of an error's message an access line carries (the client got all of it).
inline constexpr std::size_t access_reason_bytes_max = 120;

// How often the bridge writes the access lines it holds.
inline constexpr std::int64_t access_log_flush_ms = 100;

std::string access_line(const access_record& record);
// Logs `record`'s line; with `failure`, its code and message fill error_code and error_reason.
void log_access(access_record record, const api_error* failure = nullptr);

}  // namespace infergrid::http
