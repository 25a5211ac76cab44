#pragma once
// embedding_request: the bridge's view of `POST /v1/embeddings` bodies, validated as OpenAI does:
// `model`, `input` (a string or an array of strings, each its own job on the grid), `encoding_format`
// ("float" or "base64", the openai SDK's default) and `user`. Token-id inputs and `dimensions` are a
// 400 naming them (code "unsupported"), never a 200 that ignored them.
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "actors/http_bridge/api_error.hpp"

namespace infergrid::http {

struct embedding_request {
  std::string model;
  std::vector<std::string> inputs;  // one embedding each, in order
  bool base64 = false;              // encoding_format "base64": little-endian float32 bytes, base64
  std::string user;                 // end-user id the client passes along (logged, not trusted)
};

using parsed_embedding_request = std::variant<embedding_request, api_error>;

// At most `max_inputs` inputs; each must be a non-empty string.
parsed_embedding_request parse_embedding_request(std::string_view body, std::size_t max_inputs);

}  // namespace infergrid::http
