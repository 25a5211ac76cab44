#pragma once
// api_error: an error as an OpenAI client sees it — an HTTP status and the JSON body
//   {"error": {"message": ..., "type": ..., "param": ... | null, "code": ... | null}}
// Every error the bridge answers (auth, validation, limits, routing, upstream) goes through here.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/error.hpp"

namespace infergrid::http {

struct api_error {
  int status = 500;
  std::string message;
  std::string type = "api_error";  // invalid_request_error, authentication_error, ...
  std::string param;               // the offending field ("messages[1].role"); empty = null
  std::string code;                // machine-readable reason ("invalid_api_key"); empty = null
  std::int64_t retry_after_s = 0;  // 429: the Retry-After header (seconds); 0 = none
};

nlohmann::json to_json(const api_error& failure);
std::string error_body(const api_error& failure);

api_error invalid_field(std::string param, std::string message);
api_error unsupported_field(std::string param, std::string message);
api_error invalid_json(std::string message);
api_error missing_api_key();
api_error unknown_api_key();
api_error insufficient_balance(std::string message);
api_error rate_limited(std::string message, std::int64_t retry_after_s);
api_error overloaded(std::string message, std::int64_t retry_after_s);
api_error body_too_large(std::size_t limit_bytes);
api_error model_not_found(const std::string& model);
api_error route_not_found(const std::string& method, const std::string& path);
// The prompt does not fit the model's context (OpenAI's 400 `context_length_exceeded`).
api_error context_length_exceeded(const std::string& detail);
// A failure the network reported (inference_failed): too_large = context_length_exceeded (400).
api_error upstream_failure(const error& why);

}  // namespace infergrid::http
