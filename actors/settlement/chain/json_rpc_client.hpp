#pragma once
// json_rpc_client: Ethereum JSON-RPC 2.0 over HTTP POST (cpp-httplib, nlohmann-json). Every
// failure is a value: an unreachable node is `unavailable` naming the endpoint and method, a
// JSON-RPC error carries the node's message (a revert reason included), a malformed reply is
// `malformed_input`. Nothing throws.
#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/result.hpp"

namespace httplib {
class Client;
}

namespace infergrid::chain {

struct json_rpc_timeouts {
  std::chrono::milliseconds connect{2000};
  std::chrono::milliseconds read{10000};
};

class json_rpc_client {
 public:
  // `endpoint` as "http://host:port" (no path: the node answers on /).
  explicit json_rpc_client(std::string endpoint, json_rpc_timeouts timeouts = {});
  ~json_rpc_client();
  json_rpc_client(const json_rpc_client&) = delete;
  json_rpc_client& operator=(const json_rpc_client&) = delete;

  // The "result" member of the reply to {method, params}.
  result<nlohmann::json> call(const std::string& method, nlohmann::json params = nlohmann::json::array());
  const std::string& endpoint() const { return endpoint_; }

 private:
  std::string endpoint_;
  std::unique_ptr<httplib::Client> http_;
  std::uint64_t next_id_ = 1;
};

}  // namespace infergrid::chain
