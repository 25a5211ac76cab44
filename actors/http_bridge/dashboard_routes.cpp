#include "actors/http_bridge/dashboard_routes.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "actors/http_bridge/dashboard_assets.hpp"
#include "actors/http_bridge/dashboard_json.hpp"
#include "actors/http_bridge/http_replies.hpp"
#include "actors/http_bridge/keys_json.hpp"
#include "runtime/actor_runner.hpp"

namespace infergrid::http {
namespace {

// Seconds of served traffic the throughput figure averages and the plots show.
constexpr std::size_t tokens_per_second_window_s = 10;
constexpr std::size_t series_seconds_default = 300;

std::int64_t unix_seconds() { return unix_now_ms() / 1000; }

// `?seconds=`: digits only, 1..seconds_kept (no sign, exponent, spaces or wrap-around).
std::optional<std::size_t> series_seconds(const std::string& text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  std::size_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  if (value < 1 || value > throughput_series::seconds_kept) return std::nullopt;
  return value;
}

std::string bearer_key(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() <= scheme.size() || header.compare(0, scheme.size(), scheme) != 0) return "";
  std::string key = header.substr(scheme.size());
  while (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

// Account data: only for a key listed in operator_keys.
std::optional<api_error> operator_refusal(const bridge_shared& shared, const httplib::Request& req) {
  if (shared.config.operator_keys.empty()) {
    return api_error{403, "This bridge has no operator keys (operator_keys): account data is not served.",
                     "permission_error", "", "no_operator_keys"};
  }
  const std::string key = bearer_key(req);
  if (key.empty()) {
    return api_error{401, "This dashboard endpoint needs an operator key (Authorization: Bearer <operator key>).",
                     "authentication_error", "", "missing_operator_key"};
  }
  for (const auto& allowed : shared.config.operator_keys) {
    if (allowed == key) return std::nullopt;
  }
  return api_error{401, "The key is not an operator key of this bridge.", "authentication_error", "",
                   "invalid_operator_key"};
}

bridge_load load_of(const bridge_shared& shared) {
  return {shared.inbox.size(), shared.jobs_in_flight.load(),
          shared.series.tokens_per_second(unix_seconds(), tokens_per_second_window_s)};
}

const dashboard_asset* find_asset(const std::string& name) {
  for (const auto& asset : dashboard_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

void write_asset(httplib::Response& res, const dashboard_asset& asset) {
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(asset.body), std::string(asset.content_type));
}

// A job's detail: the actor asks the matchmaker and the settlement actor; this thread waits.
void serve_job_detail(bridge_shared& shared, const std::string& request_id, httplib::Response& res) {
  auto answer = shared.dashboard.ask_job(request_id);
  if (!answer) return write_error(res, overloaded("Too many job lookups waiting; retry shortly.", 1));
  const auto wait = std::chrono::milliseconds(2 * shared.config.settlement_timeout_ms + 1000);
  if (answer->wait_for(wait) != std::future_status::ready) {
    return write_error(res, api_error{504, "The grid did not answer the lookup in time.", "api_error", "", "timeout"});
  }
  job_detail detail;
  try {
    detail = answer->get();
  } catch (const std::future_error&) {  // the actor stopped with the lookup unanswered
    return write_error(res, api_error{503, "The bridge is shutting down.", "api_error", "", "unavailable"});
  }
  if (!detail.trace.ok() && detail.trace.err().code == error_code::not_found) {
    return write_error(res, api_error{404, detail.trace.err().message, "invalid_request_error", "", "job_not_found"});
  }
  if (!detail.trace.ok()) return write_error(res, upstream_failure(detail.trace.err()));
  write_json(res, 200, job_detail_json(request_id, detail));
}

// The answer kept under `key` (dashboard_cache), built by `build` when none is fresh: every reader
// within dashboard_cache_ms gets the same bytes. Callers check who may read it first.
void serve_shared(bridge_shared& shared, const std::string& key, httplib::Response& res,
                  const std::function<void(httplib::Response&)>& build) {
  const auto answer = shared.dashboard_answers.answer(key, [&build] {
    httplib::Response built;
    build(built);
    return answer_of(built);
  });
  write_answer(res, *answer, dashboard_cache::clock::now());
}

}  // namespace

void add_dashboard_routes(httplib::Server& server, bridge_shared& shared, request_done done) {
  server.Get(R"(/dashboard/?)", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    write_asset(res, *find_asset("index.html"));
    done(req, res, "/dashboard", started, "");
  });
  server.Get(R"(/dashboard/([a-z_]+\.(?:js|css|html|svg)))", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    const dashboard_asset* asset = find_asset(req.matches[1]);
    if (asset == nullptr) write_error(res, route_not_found(req.method, req.path));
    else write_asset(res, *asset);
    done(req, res, "/dashboard/{asset}", started, "");
  });
  server.Get("/dashboard/api/network", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    serve_shared(shared, "network", res, [&shared](httplib::Response& out) {
      write_json(out, 200, network_json(shared.dashboard.grid(), load_of(shared)));
    });
    done(req, res, "/dashboard/api/network", started, "");
  });
  server.Get("/dashboard/api/series", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    std::size_t seconds = series_seconds_default;
    if (req.has_param("seconds")) {
      const auto parsed = series_seconds(req.get_param_value("seconds"));
      if (!parsed) {
        write_error(res, invalid_field("seconds", "'seconds' must be a whole number from 1 to " +
                                                      std::to_string(throughput_series::seconds_kept) + "."));
        return done(req, res, "/dashboard/api/series", started, "");
      }
      seconds = *parsed;
    }
    serve_shared(shared, "series?seconds=" + std::to_string(seconds), res, [&shared, seconds](httplib::Response& out) {
      write_json(out, 200, series_json(shared.series.points(unix_seconds(), seconds)));
    });
    done(req, res, "/dashboard/api/series", started, "");
  });
  server.Get("/dashboard/api/jobs", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    serve_shared(shared, "jobs", res, [&shared](httplib::Response& out) {
      write_json(out, 200, jobs_json(shared.dashboard.grid()));
    });
    done(req, res, "/dashboard/api/jobs", started, "");
  });
  server.Get("/dashboard/api/miners", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    if (auto refused = operator_refusal(shared, req)) write_error(res, *refused);
    else serve_shared(shared, "miners", res, [&shared](httplib::Response& out) {
      write_json(out, 200, miners_json(shared.dashboard.grid(), shared.dashboard.ledger()));
    });
    done(req, res, "/dashboard/api/miners", started, "operator");
  });
  server.Get("/dashboard/api/ledger", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    if (auto refused = operator_refusal(shared, req)) write_error(res, *refused);
    else serve_shared(shared, "ledger", res, [&shared](httplib::Response& out) {
      write_json(out, 200, ledger_json(shared.dashboard.ledger()));
    });
    done(req, res, "/dashboard/api/ledger", started, "operator");
  });
  server.Get("/dashboard/api/keys", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    // Not kept: `infergrid keys list` reads it right after a create, a revoke or a served call, and
    // it is the bridge's own memory (no bus lookup to save).
    if (auto refused = operator_refusal(shared, req)) write_error(res, *refused);
    else write_json(res, 200, keys_json(shared.accounts.keys()));
    done(req, res, "/dashboard/api/keys", started, "operator");
  });
  server.Get(R"(/dashboard/api/jobs/(.+))", [&shared, done](const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    if (auto refused = operator_refusal(shared, req)) write_error(res, *refused);
    else serve_shared(shared, "job/" + std::string(req.matches[1]), res, [&shared, &req](httplib::Response& out) {
      serve_job_detail(shared, req.matches[1], out);
    });
    done(req, res, "/dashboard/api/jobs/{id}", started, "operator");
  });
}

}  // namespace infergrid::http
