#include "actors/http_bridge/http_server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string_view>

#include "actors/http_bridge/access_log.hpp"
#include "actors/http_bridge/chain_metrics.hpp"
#include "actors/http_bridge/completion_route.hpp"
#include "actors/http_bridge/cors.hpp"
#include "actors/http_bridge/dashboard_routes.hpp"
#include "actors/http_bridge/edge_metrics.hpp"
#include "actors/http_bridge/embedding_route.hpp"
#include "actors/http_bridge/epoch_metrics.hpp"
#include "actors/http_bridge/health_report.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/reply_session.hpp"
#include "actors/http_bridge/responses_route.hpp"
#include "runtime/log.hpp"

namespace infergrid::http {
namespace {

using clock = std::chrono::steady_clock;

// Seconds a connection may stay silent while reading the answer (edge_server applies the same).
constexpr time_t socket_timeout_s = 30;
// Connections the kernel queues before accept. Debian's compiled httplib listens with 5, which
// drops the SYNs of a burst of new connections; each dropped client then waits for its 1 s SYN
// retransmission (bench/http_bench measured a p99 of 1 s from this alone).
constexpr int listen_backlog = 1024;

edge_limits limits_of(const http_bridge_config& config) {
  edge_limits out;
  out.header_timeout_ms = config.header_timeout_ms;
  out.body_timeout_ms = config.body_timeout_ms;
  out.idle_timeout_ms = config.idle_timeout_ms;
  out.write_timeout_ms = socket_timeout_s * 1000;
  out.max_connections_per_client = config.max_connections_per_client;
  out.max_body_bytes = config.max_body_bytes;
  out.refusal_head_lines = [origins = config.cors_origins](const std::string& origin) {
    return edge_refusal_cors_lines(origins, origin);
  };
  return out;
}

// The methods each known path answers; any other method on it is a 405.
struct known_route {
  const char* path;
  const char* method;
};
constexpr known_route known_routes[] = {{"/v1/chat/completions", "POST"}, {"/v1/completions", "POST"},
                                        {responses_path, "POST"},        {"/v1/models", "GET"},
                                        {"/health", "GET"},              {"/metrics", "GET"}};

const char* allowed_method(const std::string& path) {
  for (const auto& route : known_routes) {
    if (path == route.path) return route.method;
  }
  if (path.starts_with("/v1/models/") && path.size() > std::string_view("/v1/models/").size()) return "GET";
  constexpr std::string_view responses_prefix = "/v1/responses/";
  if (path.starts_with(responses_prefix) && path.size() > responses_prefix.size() &&
      path.find('/', responses_prefix.size()) == std::string::npos) {
    return "GET, DELETE";  // a kept response (its input_items are not served: 404)
  }
  return nullptr;
}

api_error method_not_allowed(const std::string& method, const std::string& path, const char* allowed) {
  return {405, "Method " + method + " is not allowed on " + path + "; use " + allowed + ".", "invalid_request_error",
          "", "method_not_allowed"};
}

// Reads the body through httplib's content receiver, counting while it streams in, so a body over
// `limit` — with a Content-Length or chunked — stops being read at the first piece past it and is
// never buffered whole. httplib's own Content-Length check answers first for declared sizes.
std::optional<api_error> read_body(const httplib::ContentReader& reader, const httplib::Response& res,
                                   std::size_t limit, std::string& body) {
  bool too_large = false;
  const bool read = reader([&](const char* data, std::size_t length) {
    if (body.size() + length > limit) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (read) return std::nullopt;
  if (too_large || res.status == 413) return body_too_large(limit);
  return api_error{400, "The request body could not be read (malformed chunked encoding, or it stopped arriving).",
                   "invalid_request_error", "", "invalid_body"};
}

}  // namespace

http_server::http_server(bridge_shared& shared) : shared_(shared), server_(limits_of(shared.config)) {
  const std::size_t threads = shared_.config.http_threads;
  // At most 4 connections per thread wait for one; more are answered 503 (edge_task_queue.hpp).
  server_.load.max_waiting = 4 * threads;
  server_.new_task_queue = [this, threads] { return new edge_task_queue(threads, server_.load); };
  server_.set_payload_max_length(shared_.config.max_body_bytes);
  server_.set_read_timeout(socket_timeout_s, 0);
  server_.set_write_timeout(socket_timeout_s, 0);
  // httplib writes headers and body separately; with Nagle's algorithm the body waits for the
  // client's delayed ACK (~40 ms on Linux) on every response.
  server_.set_tcp_nodelay(true);
  // Only SO_REUSEADDR (a restart binds past TIME_WAIT): httplib's default also sets SO_REUSEPORT,
  // which lets a second bridge bind the same port and take half the requests and scrapes.
  server_.set_socket_options([this](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listening_socket_ = sock;  // the last candidate httplib configures is the one it binds
  });
  add_routes();
}

http_server::~http_server() { stop(); }

void http_server::add_routes() {
  bridge_shared& shared = shared_;
  // Counts and logs a request that is not a completion (those log themselves, with tokens): its
  // status as answered (200 where the handler set none), an error's code read back from its body.
  auto done = [&shared](const httplib::Request& req, const httplib::Response& res, const std::string& route,
                        clock::time_point started, const std::string& account = "") {
    const int status = res.status == -1 ? 200 : res.status;
    shared.metrics.count_request(route, status, seconds_since(started));
    if (!shared.config.access_log) return;
    const std::optional<api_error> failure = answered_error(res);
    log_access({"", req.method, req.path, account, "", "", status, 0, 0, seconds_since(started)},
               failure ? &*failure : nullptr);
  };
  // The POST routes: the body read (size-checked while it streams in), then served by its route.
  // nullopt: /v1/responses.
  for (const auto kind : {std::optional(endpoint_kind::chat), std::optional(endpoint_kind::text),
                          std::optional(endpoint_kind::embedding), std::optional<endpoint_kind>()}) {
    const std::string path = kind ? route_name(*kind) : responses_path;
    server_.Post(path, [&shared, kind, path, done](const httplib::Request& req, httplib::Response& res,
                                                    const httplib::ContentReader& reader) {
      const auto started = clock::now();
      std::string body;
      if (auto failure = read_body(reader, res, shared.config.max_body_bytes, body)) {
        // The unread rest of the body must not be parsed as a request, and the client must not
        // reuse the connection (the answer says `Connection: close`): a keep-alive client
        // (undici) that pooled it sent its next request into the closed socket.
        close_after_response();
        write_error(res, *failure);
        return count_refused(shared, path, "", "", *failure, started);
      }
      if (!kind) return serve_responses(shared, req, body, res);
      if (*kind == endpoint_kind::embedding) return serve_embeddings(shared, req, body, res);
      serve_completion(shared, *kind, req, body, res);
    });
  }
  server_.Get("/v1/models", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = clock::now();
    const authentication who = authenticate(shared, req);
    if (who.failure) write_error(res, *who.failure);
    else write_json(res, 200, model_list_json(shared.catalog.models()));
    done(req, res, "/v1/models", started, who.who.account);
  });
  // Model ids may hold '/' ("Qwen/Qwen2.5-7B-Instruct"): the rest of the path is the id.
  server_.Get(R"(/v1/models/(.+))", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = clock::now();
    const authentication who = authenticate(shared, req);
    if (who.failure) {
      write_error(res, *who.failure);
      return done(req, res, "/v1/models/{id}", started, who.who.account);
    }
    const std::string id = req.matches[1];
    const auto models = shared.catalog.models();
    const auto found = std::find_if(models.begin(), models.end(), [&](const served_model& m) { return m.id == id; });
    if (found == models.end()) write_error(res, model_not_found(id));
    else write_json(res, 200, model_json(*found));
    done(req, res, "/v1/models/{id}", started, who.who.account);
  });
  // A kept /v1/responses answer: read or delete it.
  for (const bool remove : {false, true}) {
    auto serve = [&shared, done](const httplib::Request& req, httplib::Response& res) {
      const auto started = clock::now();
      serve_stored_response(shared, req, req.matches[1], res);
      done(req, res, "/v1/responses/{id}", started);
    };
    if (remove) server_.Delete(R"(/v1/responses/([^/]+))", serve);
    else server_.Get(R"(/v1/responses/([^/]+))", serve);
  }
  add_dashboard_routes(server_, shared_, done);
  // A browser's CORS preflight (any path: the request it precedes is answered, 404 included).
  server_.Options(R"(.*)", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = clock::now();
    answer_preflight(shared.config.cors_origins, req, res);
    done(req, res, "other", started);
  });
  // Runs on every answer before its head is written (a stream's too): its CORS headers.
  server_.set_post_routing_handler([&shared](const httplib::Request& req, httplib::Response& res) {
    add_cors_headers(shared.config.cors_origins, req, res);
  });
  server_.Get("/health", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = clock::now();
    health_inputs in;
    const auto models = shared.catalog.models();
    in.models = models.size();
    for (const auto& model : models) in.workers += model.workers;
    in.matchmaker_answered_once = shared.catalog.known();
    in.matchmaker_unreachable = shared.catalog.unreachable();
    in.settlement_unreachable = shared.dashboard.ledger_unreachable();
    in.queue_depth = static_cast<std::int64_t>(shared.inbox.size());
    in.jobs_in_flight = shared.jobs_in_flight.load();
    write_json(res, 200, health_json(in));
    done(req, res, "/health", started);
  });
  server_.Get("/metrics", [this, &shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = clock::now();
    metrics_snapshot_inputs inputs{shared.inbox.size(), shared.jobs_in_flight.load(), shared.catalog.models(),
                                   shared.actor_metrics_copy(), shared.catalog.models_seen()};
    std::string text = shared.metrics.render(inputs);
    const auto ledger = shared.dashboard.ledger();
    if (ledger.report) {
      render_epoch_metrics(text, *ledger.report);
      render_chain_metrics(text, *ledger.report);
    }
    if (!shared.config.settlement.empty()) render_ledger_view_metrics(text, ledger, clock::now());
    render_dashboard_cache_metrics(text, shared.dashboard_answers.counts());
    render_edge_metrics(text, server_.counters, server_.load);
    res.set_content(std::move(text), "text/plain; version=0.0.4; charset=utf-8");
    done(req, res, "/metrics", started);
  });
  // Answers 4xx/5xx that no handler wrote a body for (unknown route or method, 413 from the body limit).
  server_.set_error_handler([&shared, done](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const auto now = clock::now();
    if (res.status == 413) {
      // httplib refused a declared Content-Length over the limit without reading the body: the
      // unread body must not be parsed as the next request, nor the connection reused by a client
      // (undici did, and its next request failed with a connection error; the answer says
      // `Connection: close`).
      close_after_response();
      write_error(res, body_too_large(shared.config.max_body_bytes));
      done(req, res, "other", now);
    } else if (res.status == 404 && allowed_method(req.path) != nullptr) {
      const char* allowed = allowed_method(req.path);
      write_error(res, method_not_allowed(req.method, req.path, allowed));
      res.status = 405;
      res.set_header("Allow", allowed);
      done(req, res, "other", now);
    } else if (res.status == 404) {
      write_error(res, route_not_found(req.method, req.path));
      done(req, res, "other", now);
    } else {
      // httplib's own refusal of what it parsed (a header line over 8 KiB, a bad request line, a
      // malformed chunk): the rest of the bytes cannot be trusted to start a request, so the
      // connection closes after the answer (else they were served as requests of their own).
      close_after_response();
      const int status = res.status;
      write_error(res, api_error{status, "HTTP error " + std::to_string(status), "invalid_request_error", "", ""});
      done(req, res, "other", now);
    }
  });
  // A handler that threw: logged and counted (the error handler skips it, as its body is written).
  server_.set_exception_handler([done](const httplib::Request& req, httplib::Response& res, std::exception_ptr failure) {
    std::string what = "an exception that is no std::exception";
    try {
      if (failure) std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {  // `what` says it
    }
    log(log_level::error, "http_bridge", "{} {} failed: {}", req.method, req.path, what);
    write_error(res, api_error{500, "Internal error: " + what, "api_error", "", "internal"});
    done(req, res, "other", clock::now());
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
  // No scrape reaches /metrics any more: what the stop refused is told here (edge_server.hpp).
  if (const auto refused = server_.counters.stopping_refusals.load(); refused > 0) {
    log(log_level::info, "http_bridge", "stopped; {} request(s) that arrived while it stopped were answered 503 shutting_down",
        refused);
  }
}

}  // namespace infergrid::http
