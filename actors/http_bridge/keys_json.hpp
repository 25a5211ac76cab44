#pragma once
// keys_json: GET /dashboard/api/keys (operator) — every API key of the keys file (id, account,
// prefix, created, revoked) with its usage since the bridge started; never a key or its hash.
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/account_book.hpp"

namespace infergrid::http {

nlohmann::json keys_json(const std::vector<key_view>& keys);

}  // namespace infergrid::http
