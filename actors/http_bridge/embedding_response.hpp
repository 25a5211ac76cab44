#pragma once
// embedding_response: the body of a `POST /v1/embeddings` answer in OpenAI's shape —
//   {"object": "list", "data": [{"object": "embedding", "index": i, "embedding": [...] or "<base64>"}],
//    "model": ..., "usage": {"prompt_tokens": n, "total_tokens": n}, "id": <the first input's job id>}
// base64 is the vector's little-endian float32 bytes, as OpenAI encodes it. `id` (not in OpenAI's
// shape; clients ignore it) names the first input's job for `infergrid trace`; input i's job is
// in the access log and the ledger.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace infergrid::http {

std::string base64_floats(const std::vector<float>& values);

nlohmann::json embeddings_json(const std::string& id, const std::string& model, const std::vector<std::vector<float>>& embeddings, bool base64,
                               std::int64_t prompt_tokens);

}  // namespace infergrid::http
