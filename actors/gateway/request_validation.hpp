#pragma once
// request_validation: what the gateway checks before a client's request enters the grid. Each
// error names the field and the rule, e.g. "max_tokens: must be 1..4096 (got 0)".
#include <cstddef>
#include <cstdint>

#include "messages/inference.hpp"
#include "runtime/result.hpp"

namespace infergrid::gateway {

struct request_limits {
  std::uint32_t max_tokens = 4096;          // per request
  std::size_t max_prompt_bytes = 1 << 20;   // prompt text
  std::size_t max_prompt_tokens = 65536;    // pre-tokenized prompt
  std::size_t max_request_id_bytes = 128;
  std::size_t max_stop_strings = 16;
  std::size_t max_stop_bytes = 256;         // per stop string
  std::size_t max_miner_list = 256;         // preferred / excluded miners
};

status validate_request(const inference_request& request, const request_limits& limits);

}  // namespace infergrid::gateway
