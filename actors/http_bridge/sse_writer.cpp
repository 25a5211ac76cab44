#include "actors/http_bridge/sse_writer.hpp"

namespace infergrid::http {

std::string sse_event(const nlohmann::json& payload) {
  // Invalid UTF-8 from a model is replaced rather than failing the whole stream.
  return "data: " + payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
}

std::string sse_typed_event(const std::string& type, const nlohmann::ordered_json& payload) {
  return "event: " + type + "\ndata: " + payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n\n";
}

std::string sse_done() { return "data: [DONE]\n\n"; }

std::string sse_error(const api_error& failure) { return sse_event(to_json(failure)); }

}  // namespace infergrid::http
