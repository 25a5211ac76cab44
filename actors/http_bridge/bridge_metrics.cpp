#include "actors/http_bridge/bridge_metrics.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace infergrid::http {
namespace {

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

std::string number(double value) { return fmt::format("{}", value); }

}  // namespace

std::string prometheus_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void latency_histogram::observe(double seconds) {
  for (std::size_t i = 0; i < latency_buckets_s.size(); ++i) {
    if (seconds <= latency_buckets_s[i]) ++counts_[i];
  }
  ++total_;
  sum_s_ += seconds;
}

void latency_histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string prefix = labels.empty() ? "" : labels + ",";
  for (std::size_t i = 0; i < latency_buckets_s.size(); ++i) {
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, number(latency_buckets_s[i]), counts_[i]);
  }
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, prefix, total_);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, number(sum_s_), name, braces, total_);
}

void bridge_metrics::count_request(const std::string& route, int status, double duration_s) {
  std::lock_guard lock(mutex_);
  ++requests_[{route, status}];
  durations_[route].observe(duration_s);
}

void bridge_metrics::observe_first_token(double seconds) {
  std::lock_guard lock(mutex_);
  first_token_.observe(seconds);
}

void bridge_metrics::count_tokens(std::int64_t prompt_tokens, std::int64_t completion_tokens) {
  std::lock_guard lock(mutex_);
  prompt_tokens_ += static_cast<std::uint64_t>(std::max<std::int64_t>(prompt_tokens, 0));
  completion_tokens_ += static_cast<std::uint64_t>(std::max<std::int64_t>(completion_tokens, 0));
}

void bridge_metrics::count_cancelled() {
  std::lock_guard lock(mutex_);
  ++cancelled_;
}

std::string bridge_metrics::render(const metrics_snapshot_inputs& inputs) const {
  std::string out;
  {
    std::lock_guard lock(mutex_);
    header(out, "infergrid_http_requests_total", "counter", "HTTP requests answered, by route and status.");
    for (const auto& [key, count] : requests_) {
      out += fmt::format("infergrid_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         prometheus_label(key.first), key.second, count);
    }
    header(out, "infergrid_http_request_duration_seconds", "histogram", "Time from request to last byte, by route.");
    for (const auto& [route, histogram] : durations_) {
      histogram.render(out, "infergrid_http_request_duration_seconds", "route=\"" + prometheus_label(route) + "\"");
    }
    header(out, "infergrid_http_time_to_first_token_seconds", "histogram", "Time from request to first streamed token.");
    first_token_.render(out, "infergrid_http_time_to_first_token_seconds", "");
    header(out, "infergrid_http_tokens_total", "counter", "Tokens billed, by type.");
    out += fmt::format("infergrid_http_tokens_total{{type=\"prompt\"}} {}\n", prompt_tokens_);
    out += fmt::format("infergrid_http_tokens_total{{type=\"completion\"}} {}\n", completion_tokens_);
    header(out, "infergrid_http_cancelled_total", "counter", "Jobs cancelled because the client went away.");
    out += fmt::format("infergrid_http_cancelled_total {}\n", cancelled_);
  }
  header(out, "infergrid_http_queue_depth", "gauge", "Requests waiting for the bridge actor.");
  out += fmt::format("infergrid_http_queue_depth {}\n", inputs.queue_depth);
  header(out, "infergrid_http_jobs_in_flight", "gauge", "Inference jobs submitted and not yet finished.");
  out += fmt::format("infergrid_http_jobs_in_flight {}\n", inputs.jobs_in_flight);
  header(out, "infergrid_workers", "gauge", "Live workers serving each model.");
  for (const auto& model : inputs.models) {
    out += fmt::format("infergrid_workers{{model=\"{}\"}} {}\n", prometheus_label(model.id), model.workers);
  }
  for (const auto& id : inputs.models_seen) {  // a model whose last worker left: 0, not a vanished series
    const bool live = std::ranges::any_of(inputs.models, [&](const served_model& m) { return m.id == id; });
    if (!live) out += fmt::format("infergrid_workers{{model=\"{}\"}} 0\n", prometheus_label(id));
  }
  struct supply_series {
    const char* name;
    const char* help;
    std::int64_t served_model::*field;
  };
  const supply_series supply[] = {
      {"infergrid_model_free_slots", "Free batch slots on live workers per model (matchmaker).", &served_model::free_slots},
      {"infergrid_model_running_jobs", "Jobs running on workers per model (matchmaker).", &served_model::running},
      {"infergrid_model_queued_jobs", "Jobs waiting in the matchmaker for capacity per model.", &served_model::queued},
  };
  for (const auto& series : supply) {
    header(out, series.name, "gauge", series.help);
    for (const auto& model : inputs.models) {
      out += fmt::format("{}{{model=\"{}\"}} {}\n", series.name, prometheus_label(model.id), model.*series.field);
    }
  }
  header(out, "infergrid_model_utilisation_ratio", "gauge", "Running jobs over batch slots per model (matchmaker).");
  for (const auto& model : inputs.models) {
    out += fmt::format("infergrid_model_utilisation_ratio{{model=\"{}\"}} {:.3f}\n", prometheus_label(model.id),
                       static_cast<double>(model.utilisation_permille) / 1000.0);
  }
  header(out, "infergrid_model_ask_micro", "gauge",
         "Live workers' asks per model, micro-units per 1k tokens: p10, median, p90 (matchmaker price index).");
  for (const auto& model : inputs.models) {
    const price_index_view& p = model.prices;
    for (const auto& [kind, q10, q50, q90] : {std::tuple{"prompt", p.ask_prompt_p10, p.ask_prompt_median, p.ask_prompt_p90},
                                              std::tuple{"completion", p.ask_completion_p10, p.ask_completion_median,
                                                         p.ask_completion_p90}}) {
      for (const auto& [quantile, value] : {std::pair{"0.1", q10}, std::pair{"0.5", q50}, std::pair{"0.9", q90}}) {
        out += fmt::format("infergrid_model_ask_micro{{model=\"{}\",kind=\"{}\",quantile=\"{}\"}} {}\n",
                           prometheus_label(model.id), kind, quantile, value);
      }
    }
  }
  header(out, "infergrid_model_cleared_price_micro", "gauge",
         "Token-weighted price of the model's last finished jobs, micro-units per 1k tokens (matchmaker price index).");
  for (const auto& model : inputs.models) {
    out += fmt::format("infergrid_model_cleared_price_micro{{model=\"{}\",kind=\"prompt\"}} {}\n", prometheus_label(model.id),
                       model.prices.cleared_prompt);
    out += fmt::format("infergrid_model_cleared_price_micro{{model=\"{}\",kind=\"completion\"}} {}\n",
                       prometheus_label(model.id), model.prices.cleared_completion);
  }
  struct counter_series {
    const char* name;
    const char* help;
    std::uint64_t actor_metrics::*field;
  };
  const counter_series series[] = {
      {"infergrid_actor_received_total", "Envelopes an actor decoded and dispatched.", &actor_metrics::received},
      {"infergrid_actor_sent_total", "Envelopes an actor handed to the bus.", &actor_metrics::sent},
      {"infergrid_actor_dropped_malformed_total", "Envelopes dropped as malformed.", &actor_metrics::dropped_malformed},
      {"infergrid_actor_dropped_undeliverable_total", "Envelopes that could not be delivered.",
       &actor_metrics::dropped_undeliverable},
      {"infergrid_actor_errors_total", "Handler errors and exceptions.", &actor_metrics::errors},
      {"infergrid_actor_restarts_total", "Actor state re-creations after a crash.", &actor_metrics::restarts},
      {"infergrid_actor_timeouts_total", "Requests whose reply never came.", &actor_metrics::timeouts},
      {"infergrid_actor_refused_total", "Envelopes refused: unsigned, forged, replayed or unauthorised.",
       &actor_metrics::refused},
  };
  for (const auto& s : series) {
    header(out, s.name, "counter", s.help);
    for (const auto& actor : inputs.actors) {
      out += fmt::format("{}{{actor=\"{}\",kind=\"{}\"}} {}\n", s.name, prometheus_label(actor.address),
                         prometheus_label(actor.kind), actor.*s.field);
    }
  }
  return out;
}

}  // namespace infergrid::http
