#pragma once
// http_replies: writing a JSON answer or an OpenAI-shaped error into an httplib response, and
// reading the caller's API key.
#include <optional>
#include <string>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/bridge_shared.hpp"

namespace infergrid::http {

void write_json(httplib::Response& res, int status, const nlohmann::json& body);
void write_json(httplib::Response& res, int status, const nlohmann::ordered_json& body);  // keys in their order
void write_error(httplib::Response& res, const api_error& failure);
// The error a response outside 2xx carries, read back from the body write_error wrote (its code,
// type and message); none for a 2xx or a body that is not an OpenAI-shaped error.
std::optional<api_error> answered_error(const httplib::Response& res);

// Who is asking: the account behind the `Authorization: Bearer <key>` header.
struct caller {
  std::string key;
  std::string account;
  std::string key_id;  // names the key in per-key usage (account_book.hpp)
};
// Who is asking, or why not: `failure` is a 401 without a key or with an unknown one, a 429 (with
// Retry-After) when the key's bucket is empty. `who` is filled as soon as the key is known, so a
// rate-limited request's access line still names its account.
struct authentication {
  caller who;
  std::optional<api_error> failure;
};
authentication authenticate(bridge_shared& shared, const httplib::Request& req);

}  // namespace infergrid::http
