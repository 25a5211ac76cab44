#include "actors/http_bridge/api_error.hpp"

namespace infergrid::http {

nlohmann::json to_json(const api_error& failure) {
  auto or_null = [](const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text); };
  return {{"error",
           {{"message", failure.message},
            {"type", failure.type},
            {"param", or_null(failure.param)},
            {"code", or_null(failure.code)}}}};
}

std::string error_body(const api_error& failure) {
  return to_json(failure).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

api_error invalid_field(std::string param, std::string message) {
  return {400, std::move(message), "invalid_request_error", std::move(param), "invalid_value"};
}

api_error unsupported_field(std::string param, std::string message) {
  return {400, std::move(message), "invalid_request_error", std::move(param), "unsupported"};
}

api_error invalid_json(std::string message) {
  return {400, "The request body is not valid JSON: " + message, "invalid_request_error", "", "invalid_json"};
}

api_error missing_api_key() {
  return {401, "Missing API key: send it as 'Authorization: Bearer <key>'.", "authentication_error", "",
          "missing_api_key"};
}

api_error unknown_api_key() {
  return {401, "Incorrect API key provided.", "authentication_error", "", "invalid_api_key"};
}

api_error insufficient_balance(std::string message) {
  return {402, std::move(message), "insufficient_quota", "", "insufficient_balance"};
}

api_error rate_limited(std::string message, std::int64_t retry_after_s) {
  return {429, std::move(message), "rate_limit_error", "", "rate_limit_exceeded", retry_after_s};
}

api_error overloaded(std::string message, std::int64_t retry_after_s) {
  return {429, std::move(message), "rate_limit_error", "", "overloaded", retry_after_s};
}

api_error body_too_large(std::size_t limit_bytes) {
  return {413, "The request body is larger than " + std::to_string(limit_bytes) + " bytes.", "invalid_request_error",
          "", "request_too_large"};
}

api_error model_not_found(const std::string& model) {
  return {404, "The model '" + model + "' is not served by any live worker (see GET /v1/models).",
          "invalid_request_error", "model", "model_not_found"};
}

api_error route_not_found(const std::string& method, const std::string& path) {
  return {404, "Unknown route: " + method + " " + path, "invalid_request_error", "", "unknown_url"};
}

api_error context_length_exceeded(const std::string& detail) {
  return {400, "This model's maximum context length was exceeded: " + detail +
                   ". Please reduce the length of the prompt or messages.",
          "invalid_request_error", "messages", "context_length_exceeded"};
}

api_error upstream_failure(const error& why) {
  switch (why.code) {
    case error_code::not_found:
      return {404, why.message, "invalid_request_error", "model", "model_not_found"};
    case error_code::invalid_argument:
      return {400, why.message, "invalid_request_error", "", "invalid_value"};
    case error_code::unsupported:
      return {400, why.message, "invalid_request_error", "", "unsupported"};
    case error_code::insufficient_funds:
      return insufficient_balance(why.message);
    case error_code::too_large:  // the worker's context cannot hold the prompt: no retry helps
      return context_length_exceeded(why.message);
    case error_code::unavailable:
      return overloaded(why.message, 1);
    case error_code::timeout:
      return {504, why.message, "api_error", "", "timeout"};
    default:
      return {502, why.message, "api_error", "", std::string(to_string(why.code))};
  }
}

}  // namespace infergrid::http
