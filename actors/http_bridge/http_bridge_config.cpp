#include "actors/http_bridge/http_bridge_config.hpp"

#include "messages/ledger_view.hpp"
#include "messages/match.hpp"
#include "runtime/input_path.hpp"
#include "runtime/writable_path.hpp"

namespace infergrid::http {
namespace {

template <class T>
status read(const settings& config, std::string_view key, T& out, T minimum) {
  auto value = config.get<T>(key, out);
  if (!value.ok()) return value.err();
  if (*value < minimum) {
    return make_error(error_code::invalid_argument, config.where(key) + ": must be at least " + std::to_string(minimum));
  }
  out = *value;
  return {};
}

status read_listen(const settings& config, http_bridge_config& out) {
  auto listen = config.get<std::string>("listen", out.host + ":" + std::to_string(out.port));
  if (!listen.ok()) return listen.err();
  const auto colon = listen->rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return make_error(error_code::invalid_argument, config.where("listen") + ": expected host:port");
  }
  out.host = listen->substr(0, colon);
  try {
    std::size_t used = 0;
    out.port = std::stoi(listen->substr(colon + 1), &used);
    if (used != listen->size() - colon - 1 || out.port < 0 || out.port > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    return make_error(error_code::invalid_argument, config.where("listen") + ": bad port in '" + *listen + "'");
  }
  return {};
}

}  // namespace

result<http_bridge_config> parse_http_bridge_config(const settings& config) {
  IG_TRY(config.reject_unknown_keys({"listen", "keys_file", "matchmaker", "max_body_bytes", "queue_capacity",
                                     "max_jobs_in_flight", "http_threads", "request_timeout_ms", "poll_interval_ms",
                                     "models_refresh_ms", "matchmaker_check_ms", "matchmaker_lost_ms", "retry_after_s", "prompt_price_micro_per_1k",
                                     "completion_price_micro_per_1k", "owned_by", "model_files",
                                     "rate_limit_per_minute", "rate_limit_burst", "default_max_tokens",
                                     "max_tokens_limit", "settlement", "settlement_timeout_ms", "settlement_retry_ms", "owed_journal", "owed_journal_sync",
                                     "max_connections_per_client", "header_timeout_ms", "body_timeout_ms",
                                     "idle_timeout_ms", "access_log", "operator_keys", "dashboard_refresh_ms",
                                     "dashboard_cache_ms", "dashboard_recent_jobs", "dashboard_ledger_entries", "dashboard_earnings_epochs",
                                     "keys_reload_ms", "cors_origins", "stored_responses_mb", "stored_response_ttl_s"}));
  http_bridge_config out;
  IG_TRY(read_listen(config, out));
  auto keys = config.require<std::string>("keys_file");
  if (!keys.ok()) return keys.err();
  out.keys_file = resolve_input_path(*keys, config.source());
  auto matchmaker = config.get<std::string>("matchmaker", out.matchmaker);
  if (!matchmaker.ok()) return matchmaker.err();
  out.matchmaker = *matchmaker;
  IG_TRY(read_setting(config, "settlement", out.settlement));
  IG_TRY(read<std::int64_t>(config, "settlement_timeout_ms", out.settlement_timeout_ms, 1));
  IG_TRY(read<std::int64_t>(config, "settlement_retry_ms", out.settlement_retry_ms, 1));
  auto owner = config.get<std::string>("owned_by", out.owned_by);
  if (!owner.ok()) return owner.err();
  out.owned_by = *owner;
  IG_TRY(read<std::size_t>(config, "max_body_bytes", out.max_body_bytes, 1));
  IG_TRY(read<std::size_t>(config, "queue_capacity", out.queue_capacity, 1));
  IG_TRY(read<std::size_t>(config, "max_jobs_in_flight", out.max_jobs_in_flight, 1));
  IG_TRY(read<std::size_t>(config, "http_threads", out.http_threads, 1));
  IG_TRY(read<std::int64_t>(config, "request_timeout_ms", out.request_timeout_ms, 1));
  IG_TRY(read<std::size_t>(config, "max_connections_per_client", out.max_connections_per_client, 1));
  IG_TRY(read<std::int64_t>(config, "header_timeout_ms", out.header_timeout_ms, 1));
  IG_TRY(read<std::int64_t>(config, "body_timeout_ms", out.body_timeout_ms, 1));
  IG_TRY(read<std::int64_t>(config, "idle_timeout_ms", out.idle_timeout_ms, 1));
  IG_TRY(read_setting(config, "access_log", out.access_log));
  IG_TRY(read_setting(config, "cors_origins", out.cors_origins));
  IG_TRY(read<std::int64_t>(config, "poll_interval_ms", out.poll_interval_ms, 1));
  IG_TRY(read<std::int64_t>(config, "models_refresh_ms", out.models_refresh_ms, 1));
  IG_TRY(read<std::int64_t>(config, "matchmaker_check_ms", out.matchmaker_check_ms, 1));
  IG_TRY(read<std::int64_t>(config, "matchmaker_lost_ms", out.matchmaker_lost_ms, 1));
  IG_TRY(read<std::int64_t>(config, "retry_after_s", out.retry_after_s, 1));
  IG_TRY(read<std::int64_t>(config, "prompt_price_micro_per_1k", out.prompt_price_micro_per_1k, 0));
  IG_TRY(read<std::int64_t>(config, "completion_price_micro_per_1k", out.completion_price_micro_per_1k, 0));
  IG_TRY(read<double>(config, "rate_limit_per_minute", out.rate_limit.requests_per_minute, 0));
  IG_TRY(read<double>(config, "rate_limit_burst", out.rate_limit.burst, 1));
  IG_TRY(read<std::int64_t>(config, "default_max_tokens", out.limits.default_max_tokens, 1));
  IG_TRY(read<std::int64_t>(config, "max_tokens_limit", out.limits.max_tokens_limit, 1));
  if (out.limits.default_max_tokens > out.limits.max_tokens_limit) {
    return make_error(error_code::invalid_argument, config.where("default_max_tokens") + ": exceeds max_tokens_limit");
  }
  IG_TRY(read_setting(config, "operator_keys", out.operator_keys));
  IG_TRY(read<std::int64_t>(config, "dashboard_refresh_ms", out.dashboard_refresh_ms, 50));
  IG_TRY(read<std::int64_t>(config, "dashboard_cache_ms", out.dashboard_cache_ms, 0));
  IG_TRY(read<std::int64_t>(config, "keys_reload_ms", out.keys_reload_ms, 50));
  IG_TRY(read<std::int64_t>(config, "stored_responses_mb", out.stored_responses_mb, 0));
  IG_TRY(read<std::int64_t>(config, "stored_response_ttl_s", out.stored_response_ttl_s, 1));
  IG_TRY(read<std::size_t>(config, "dashboard_recent_jobs", out.dashboard_recent_jobs, 1));
  IG_TRY(read<std::size_t>(config, "dashboard_ledger_entries", out.dashboard_ledger_entries, 1));
  if (out.dashboard_recent_jobs > grid_view_recent_jobs_max || out.dashboard_ledger_entries > ledger_view_entries_max) {
    return make_error(error_code::invalid_argument,
                      config.where("dashboard_recent_jobs") + ": at most 500 recent jobs and 200 ledger entries");
  }
  IG_TRY(read<std::size_t>(config, "dashboard_earnings_epochs", out.dashboard_earnings_epochs, 0));
  if (out.dashboard_earnings_epochs > ledger_view_earnings_epochs_max) {
    return make_error(error_code::invalid_argument, config.where("dashboard_earnings_epochs") + ": at most " +
                                                        std::to_string(ledger_view_earnings_epochs_max) + " epochs");
  }
  if (config.has("model_files")) {
    const YAML::Node templates = config.yaml()["model_files"];
    if (!templates.IsMap()) {
      return make_error(error_code::invalid_argument, config.where("model_files") + ": expected model: gguf path");
    }
    for (const auto& entry : templates) {
      out.model_files[entry.first.as<std::string>()] = resolve_input_path(entry.second.as<std::string>(), config.source());
    }
  }
  // `owed_journal` is opened by the actor (http_bridge_state.cpp); here only whether it can be, creating nothing.
  std::string journal_path;
  IG_TRY(read_setting(config, "owed_journal", journal_path));
  bool journal_sync = true;
  IG_TRY(read_setting(config, "owed_journal_sync", journal_sync));
  IG_TRY(check_writable_setting(config, "owed_journal", journal_path));
  return out;
}

}  // namespace infergrid::http
