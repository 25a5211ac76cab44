#include "actors/settlement/chain/json_rpc_client.hpp"

#include <httplib.h>

namespace infergrid::chain {
namespace {

// JSON-RPC error code of a reverted call or transaction estimate (EIP-1474 and node practice).
constexpr int execution_reverted_code = 3;

}  // namespace

json_rpc_client::json_rpc_client(std::string endpoint, json_rpc_timeouts timeouts)
    : endpoint_(std::move(endpoint)), http_(std::make_unique<httplib::Client>(endpoint_)) {
  http_->set_connection_timeout(timeouts.connect);
  http_->set_read_timeout(timeouts.read);
  http_->set_write_timeout(timeouts.read);
}

json_rpc_client::~json_rpc_client() = default;

result<nlohmann::json> json_rpc_client::call(const std::string& method, nlohmann::json params) {
  const std::uint64_t id = next_id_++;
  const nlohmann::json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  const auto response = http_->Post("/", request.dump(), "application/json");
  if (!response) {
    return make_error(error_code::unavailable, "chain node at " + endpoint_ + " is unreachable (" + method +
                                                   "): " + httplib::to_string(response.error()));
  }
  if (response->status != 200) {
    return make_error(error_code::unavailable, "chain node at " + endpoint_ + " answered HTTP " +
                                                   std::to_string(response->status) + " to " + method);
  }
  const nlohmann::json reply = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object()) {
    return make_error(error_code::malformed_input, "chain node at " + endpoint_ + " sent a reply to " + method + " that is not JSON");
  }
  if (const auto found = reply.find("error"); found != reply.end() && !found->is_null()) {
    const bool structured = found->is_object();
    const std::string message = structured && found->contains("message") && (*found)["message"].is_string()
                                    ? (*found)["message"].get<std::string>()
                                    : found->dump();
    const bool has_code = structured && found->contains("code") && (*found)["code"].is_number_integer();
    const int code = has_code ? (*found)["code"].get<int>() : 0;
    const error_code kind = code == execution_reverted_code || message.find("revert") != std::string::npos
                                ? error_code::conflict
                                : error_code::invalid_argument;
    return make_error(kind, method + " failed: " + message);
  }
  const auto found = reply.find("result");
  if (found == reply.end()) {
    return make_error(error_code::malformed_input, "chain node reply to " + method + " has neither result nor error");
  }
  return *found;
}

}  // namespace infergrid::chain
