#include "actors/http_bridge/http_server.hpp"

#include <sys/socket.h>

#include <chrono>

#include "actors/http_bridge/completion_route.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "runtime/log.hpp"

namespace infergrid::http {
namespace {

using clock = std::chrono::steady_clock;

// Seconds a connection may stay silent while sending its request or reading the answer.
constexpr time_t socket_timeout_s = 30;
// Requests one keep-alive connection may carry before the server closes it.
constexpr std::size_t keep_alive_max_requests = 10000;
// Connections the kernel queues before accept. Debian's compiled httplib listens with 5, which
// drops the SYNs of a burst of new connections; each dropped client then waits for its 1 s SYN
// retransmission (bench/http_bench measured a p99 of 1 s from this alone).
constexpr int listen_backlog = 1024;

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double seconds_since(clock::time_point start) { return std::chrono::duration<double>(clock::now() - start).count(); }

}  // namespace

http_server::http_server(bridge_shared& shared) : shared_(shared) {
  const std::size_t threads = shared_.config.http_threads;
  server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_.set_payload_max_length(shared_.config.max_body_bytes);
  server_.set_read_timeout(socket_timeout_s, 0);
  server_.set_write_timeout(socket_timeout_s, 0);
  server_.set_keep_alive_max_count(keep_alive_max_requests);
  // httplib writes headers and body separately; with Nagle's algorithm the body waits for the
  // client's delayed ACK (~40 ms on Linux) on every response.
  server_.set_tcp_nodelay(true);
  server_.set_socket_options([this](int sock) {
    httplib::default_socket_options(sock);
    listening_socket_ = sock;  // the last candidate httplib configures is the one it binds
  });
  add_routes();
}

http_server::~http_server() { stop(); }

void http_server::add_routes() {
  bridge_shared& shared = shared_;
  server_.Post("/v1/chat/completions", [&shared](const httplib::Request& req, httplib::Response& res) {
    serve_completion(shared, endpoint_kind::chat, req, res);
  });
  server_.Post("/v1/completions", [&shared](const httplib::Request& req, httplib::Response& res) {
    serve_completion(shared, endpoint_kind::text, req, res);
  });
  server_.Get("/v1/models", [&shared](const httplib::Request& req, httplib::Response& res) {
    const auto started = clock::now();
    auto who = authenticate(shared, req);
    if (auto* failure = std::get_if<api_error>(&who)) {
      write_error(res, *failure);
    } else {
      write_json(res, 200, model_list_json(shared.catalog.models(), unix_seconds()));
    }
    shared.metrics.count_request("/v1/models", res.status, seconds_since(started));
  });
  server_.Get("/health", [&shared](const httplib::Request&, httplib::Response& res) {
    const auto started = clock::now();
    std::int64_t workers = 0;
    const auto models = shared.catalog.models();
    for (const auto& model : models) workers += model.workers;
    write_json(res, 200,
               {{"status", "ok"},
                {"models", models.size()},
                {"workers", workers},
                {"matchmaker_reached", shared.catalog.known()},
                {"queue_depth", shared.inbox.size()},
                {"jobs_in_flight", shared.jobs_in_flight.load()}});
    shared.metrics.count_request("/health", 200, seconds_since(started));
  });
  server_.Get("/metrics", [&shared](const httplib::Request&, httplib::Response& res) {
    const auto started = clock::now();
    metrics_snapshot_inputs inputs{shared.inbox.size(), shared.jobs_in_flight.load(), shared.catalog.models(),
                                   shared.actor_metrics_copy()};
    res.set_content(shared.metrics.render(inputs), "text/plain; version=0.0.4; charset=utf-8");
    shared.metrics.count_request("/metrics", 200, seconds_since(started));
  });
  // Answers 4xx/5xx that no handler wrote a body for (unknown route, 413 from the body limit).
  server_.set_error_handler([&shared](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413) {
      write_error(res, body_too_large(shared.config.max_body_bytes));
      shared.metrics.count_request("other", 413, 0);
    } else if (res.status == 404) {
      write_error(res, route_not_found(req.method, req.path));
      shared.metrics.count_request("other", 404, 0);
    } else {
      const int status = res.status;
      write_error(res, api_error{status, "HTTP error " + std::to_string(status), "invalid_request_error", "", ""});
    }
  });
  server_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr failure) {
    std::string what = "unknown exception";
    try {
      if (failure) std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    write_error(res, api_error{500, "Internal error: " + what, "api_error", "", "internal"});
  });
}

status http_server::start() {
  if (shared_.config.port == 0) {
    port_ = server_.bind_to_any_port(shared_.config.host);
    if (port_ <= 0) return make_error(error_code::io_error, "http_bridge: cannot bind " + shared_.config.host);
  } else {
    if (!server_.bind_to_port(shared_.config.host, shared_.config.port)) {
      return make_error(error_code::io_error, "http_bridge: cannot listen on " + shared_.config.host + ":" +
                                                  std::to_string(shared_.config.port) + " (in use?)");
    }
    port_ = shared_.config.port;
  }
  // Listening again on a listening socket only raises its backlog (Linux).
  if (::listen(listening_socket_, listen_backlog) != 0) {
    log(log_level::warn, "http_bridge", "cannot raise the listen backlog to {}; bursts of new connections may wait 1 s",
        listen_backlog);
  }
  listener_ = std::thread([this] { server_.listen_after_bind(); });
  log(log_level::info, "http_bridge", "listening on http://{}:{}", shared_.config.host, port_);
  return {};
}

void http_server::stop() {
  if (!listener_.joinable()) return;
  server_.stop();
  listener_.join();
}

}  // namespace infergrid::http
