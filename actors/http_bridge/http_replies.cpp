#include "actors/http_bridge/http_replies.hpp"

namespace infergrid::http {

void write_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void write_error(httplib::Response& res, const api_error& failure) {
  res.status = failure.status;
  if (failure.retry_after_s > 0) res.set_header("Retry-After", std::to_string(failure.retry_after_s));
  res.set_content(error_body(failure), "application/json");
}

std::variant<caller, api_error> authenticate(bridge_shared& shared, const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size() || header.compare(0, scheme.size(), scheme) != 0) return missing_api_key();
  std::string key = header.substr(scheme.size());
  while (!key.empty() && key.back() == ' ') key.pop_back();
  auto owner = shared.accounts.owner_of_key(key);
  if (!owner) return unknown_api_key();
  const auto limits = shared.accounts.rate_limit_for(owner->account).value_or(shared.limiter.defaults());
  if (auto wait_s = shared.limiter.acquire(key, limits); wait_s > 0) {
    return rate_limited("Rate limit reached for this API key; retry in " + std::to_string(wait_s) + " s.", wait_s);
  }
  return caller{std::move(key), std::move(owner->account), std::move(owner->key_id)};
}

}  // namespace infergrid::http
