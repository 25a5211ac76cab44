#pragma once
// http_bridge_config: the bridge's settings (the actor's `settings:` in a node config), one line
// each with its default. deploy/readme/http.md lists them for operators.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/http_bridge/openai_request.hpp"
#include "actors/http_bridge/rate_limiter.hpp"
#include "runtime/result.hpp"
#include "runtime/settings.hpp"

namespace infergrid::http {

struct http_bridge_config {
  std::string host = "127.0.0.1";  // listen: "host:port"
  int port = 8080;                 // 0 = any free port (tests)
  std::string keys_file;           // API keys -> accounts (YAML/JSON); required
  std::int64_t keys_reload_ms = 1000;  // how often keys_file is checked for changes (created, revoked keys)
  std::string matchmaker = "matchmaker";  // actor that routes inference requests
  // Settlement mode: the actor (e.g. "settlement") that escrows each request of a key whose account
  // names a ledger `account`; "" = every account is billed from the keys file's balances.
  std::string settlement;
  std::int64_t settlement_timeout_ms = 5000;  // an escrow not answered by then: 503
  // A partial claim or refund settlement did not answer (down, restarting) is sent again this often
  // until it is (runtime/retried_requests.hpp).
  std::int64_t settlement_retry_ms = 2000;
  std::size_t max_body_bytes = 1 << 20;   // larger request bodies get 413
  std::size_t queue_capacity = 1024;      // requests waiting for the actor; beyond: 429
  std::size_t max_jobs_in_flight = 1024;  // submitted, unfinished jobs; beyond: 429
  std::size_t http_threads = 64;          // concurrent connections served (streams hold one each)
  // The edge (edge_server.hpp): one peer address holds at most this many connections (beyond: 429),
  // a request head must arrive whole within header_timeout_ms (else 408), its body within
  // body_timeout_ms; an idle keep-alive connection is closed after idle_timeout_ms.
  std::size_t max_connections_per_client = 48;
  std::int64_t header_timeout_ms = 10000;
  std::int64_t body_timeout_ms = 30000;
  std::int64_t idle_timeout_ms = 5000;
  bool access_log = true;                 // one `access` log line per request
  // Origins whose browser pages may call the API (cors.hpp): "*" any, else exact origins
  // ("https://app.example.com"); none = CORS off (no Access-Control-* headers).
  std::vector<std::string> cors_origins = {"*"};
  std::int64_t request_timeout_ms = 120000;  // longest a job may run before it is cancelled (504)
  std::int64_t poll_interval_ms = 1000;   // safety-net drain of the inbox; pushes wake the actor at once
  // Every matchmaker_check_ms the bridge asks the matchmaker which of its jobs it still holds
  // (held_requests_query): one it lost (it restarted) fails at once, 503. When nothing came from the
  // matchmaker for matchmaker_lost_ms (no answer, no chunk) every job sent to it fails, 503.
  std::int64_t matchmaker_check_ms = 2000;
  std::int64_t matchmaker_lost_ms = 10000;
  std::int64_t models_refresh_ms = 1000;  // how often the model list is asked of the matchmaker
  std::int64_t retry_after_s = 1;         // Retry-After on backpressure 429s
  // Default price caps in micro-units per 1000 tokens, for a request that sets no
  // `provider.max_price`: its maximum cost is reserved or escrowed at them (402 when the balance is
  // short), only workers asking at most them serve it, and it is charged the serving worker's ask
  // (billing.hpp). The defaults are the gpu_worker's default utilisation ceilings (ask_policy.hpp).
  std::int64_t prompt_price_micro_per_1k = 400;
  std::int64_t completion_price_micro_per_1k = 800;
  std::string owned_by = "infergrid";     // `owned_by` of every listed model
  // The dashboard (deploy/readme/dashboard.md): keys that may read its account data (miners'
  // earnings, ledger entries, a job's ledger entries); none = those endpoints answer 403.
  std::vector<std::string> operator_keys;
  std::int64_t dashboard_refresh_ms = 1000;   // how often the matchmaker's and ledger's views are asked
  // How long a built dashboard JSON answer is served to every reader before it is built again
  // (dashboard_cache.hpp); 0 = built per request (concurrent identical requests still share one).
  std::int64_t dashboard_cache_ms = 1000;
  std::size_t dashboard_recent_jobs = 50;     // finished jobs listed (at most grid_view_recent_jobs_max)
  std::size_t dashboard_ledger_entries = 20;  // newest entries listed and re-checked (at most 200)
  std::size_t dashboard_earnings_epochs = 8;  // closed epochs of miners' earnings listed (at most 32)
  // /v1/responses kept for previous_response_id and GET/DELETE /v1/responses/{id} (response_store.hpp):
  // in memory, at most this many MiB (oldest dropped first; 0 = none kept) and each for this long.
  std::int64_t stored_responses_mb = 64;
  std::int64_t stored_response_ttl_s = 3600;
  // model -> its GGUF, read for tokenizer.chat_template and the context length /v1/models reports.
  std::map<std::string, std::string> model_files;
  rate_limit_settings rate_limit;
  request_limits limits;
};

result<http_bridge_config> parse_http_bridge_config(const settings& config);

}  // namespace infergrid::http
