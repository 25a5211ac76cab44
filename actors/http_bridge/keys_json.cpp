#include "actors/http_bridge/keys_json.hpp"

namespace infergrid::http {

nlohmann::json keys_json(const std::vector<key_view>& keys) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& key : keys) {
    rows.push_back({{"id", key.id}, {"account", key.account}, {"prefix", key.prefix}, {"created", key.created},
                    {"revoked", key.revoked},
                    {"usage", {{"requests", key.usage.requests}, {"prompt_tokens", key.usage.prompt_tokens},
                               {"completion_tokens", key.usage.completion_tokens},
                               {"spent_micro", key.usage.spent_micro}}}});
  }
  return {{"keys", rows}};
}

}  // namespace infergrid::http
