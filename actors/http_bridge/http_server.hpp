#pragma once
// http_server: the bridge's listening socket and its routes, on httplib's own thread pool:
//   POST /v1/chat/completions, POST /v1/completions   completion_route.cpp
//   GET  /v1/models                                   models live workers serve (model_catalog)
//   GET  /health                                      {"status":"ok", ...}
//   GET  /metrics                                     Prometheus text (bridge_metrics)
// OPTIONS on any path is a CORS preflight, and every answer carries the CORS headers (cors.hpp).
// Unknown routes (404), a known route with another method (405, with Allow), oversized bodies (413,
// chunked ones too: the body is counted while it streams in) and handler exceptions answer in
// OpenAI's error shape. Connections go through edge_server (per-client cap, header/body deadlines),
// and each request is logged as one `access` line (access_log.hpp).
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "actors/http_bridge/bridge_shared.hpp"
#include "actors/http_bridge/edge_server.hpp"
#include "runtime/result.hpp"

namespace infergrid::http {

class http_server {
 public:
  explicit http_server(bridge_shared& shared);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds host:port (port 0 = any free one) and starts serving on a background thread.
  status start();
  // Stops accepting, waits for the serving threads (callers first end every job, so streams finish).
  void stop();
  int port() const { return port_; }

 private:
  void add_routes();

  bridge_shared& shared_;
  edge_server server_;
  std::thread listener_;
  int port_ = 0;
  int listening_socket_ = -1;  // what httplib bound (see listen_backlog in http_server.cpp)
};

}  // namespace infergrid::http
