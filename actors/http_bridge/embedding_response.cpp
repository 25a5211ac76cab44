#include "actors/http_bridge/embedding_response.hpp"

#include <bit>
#include <cstring>

#include <sodium.h>

namespace infergrid::http {

std::string base64_floats(const std::vector<float>& values) {
  static_assert(std::endian::native == std::endian::little, "float bytes are sent little-endian");
  const std::size_t bytes = values.size() * sizeof(float);
  std::vector<unsigned char> raw(bytes);
  if (bytes != 0) std::memcpy(raw.data(), values.data(), bytes);
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));  // the encoded length counts the terminating NUL
  return out;
}

nlohmann::json embeddings_json(const std::string& id, const std::string& model, const std::vector<std::vector<float>>& embeddings, bool base64,
                               std::int64_t prompt_tokens) {
  nlohmann::json data = nlohmann::json::array();
  for (std::size_t i = 0; i < embeddings.size(); ++i) {
    nlohmann::json item = {{"object", "embedding"}, {"index", i}};
    if (base64) {
      item["embedding"] = base64_floats(embeddings[i]);
    } else {
      item["embedding"] = embeddings[i];
    }
    data.push_back(std::move(item));
  }
  return {{"id", id},
          {"object", "list"},
          {"data", std::move(data)},
          {"model", model},
          {"usage", {{"prompt_tokens", prompt_tokens}, {"total_tokens", prompt_tokens}}}};
}

}  // namespace infergrid::http
