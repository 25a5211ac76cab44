#include "actors/http_bridge/http_replies.hpp"

#include "actors/http_bridge/bearer_key.hpp"

namespace infergrid::http {

void write_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void write_json(httplib::Response& res, int status, const nlohmann::ordered_json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), "application/json");
}

void write_error(httplib::Response& res, const api_error& failure) {
  res.status = failure.status;
  if (failure.retry_after_s > 0) res.set_header("Retry-After", std::to_string(failure.retry_after_s));
  res.set_content(error_body(failure), "application/json");
}

std::optional<api_error> answered_error(const httplib::Response& res) {
  if (res.status >= 200 && res.status <= 299) return std::nullopt;
  const auto body = nlohmann::json::parse(res.body, nullptr, false);
  if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) return std::nullopt;
  const auto& error = body["error"];
  api_error read;
  read.status = res.status;
  read.message = error.value("message", "");
  read.type = error.value("type", "");
  if (error.contains("code") && error["code"].is_string()) read.code = error["code"].get<std::string>();
  return read;
}

authentication authenticate(bridge_shared& shared, const httplib::Request& req) {
  auto read = bearer_key(req.get_header_value("Authorization"));
  if (auto* failure = std::get_if<api_error>(&read)) return {{}, *failure};
  std::string key = std::move(std::get<std::string>(read));
  auto owner = shared.accounts.owner_of_key(key);
  if (!owner) return {{}, unknown_api_key()};
  const auto limits = shared.accounts.rate_limit_for(owner->account).value_or(shared.limiter.defaults());
  const auto wait_s = shared.limiter.acquire(key, limits);
  authentication out{caller{std::move(key), std::move(owner->account), std::move(owner->key_id)}, std::nullopt};
  if (wait_s > 0) {
    out.failure = rate_limited("Rate limit reached for this API key; retry in " + std::to_string(wait_s) + " s.", wait_s);
  }
  return out;
}

}  // namespace infergrid::http
