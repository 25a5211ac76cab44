// `infergrid trace REQUEST_ID`: one request's path through the live grid — the request, the miner
// that served it, its signed receipt and evidence, the validators' audits and verdicts, and the
// ledger entries (escrow, settlement, refund, verdicts) — asked over tcp from the matchmaker and the
// settlement actor of a running node.
#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"
#include "actors/cli/actor_address.hpp"
#include "actors/cli/node_client.hpp"
#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/request_op_ids.hpp"
#include "actors/validator/verdict_signing.hpp"
#include "messages/challenge.hpp"
#include "messages/ledger.hpp"
#include "runtime/log_escape.hpp"

namespace {

using namespace infergrid;

struct trace_options {
  std::string request_id;
  std::string config;
  std::string endpoint;
  std::string node_name;
  std::string server_key;
  std::string transport_key;
  std::string identity;
  std::string matchmaker = "matchmaker";
  std::string settlement = "settlement";
  std::int64_t timeout_ms = 3000;
};

// What miners and clients chose (model, worker ids, reasons) is printed with control characters
// escaped, as the log writes them: an escape sequence cannot clear or redraw the operator's terminal.
std::string shown(const std::string& text) { return escape_control_characters(text); }
std::string short_id(const std::string& id) { return shown(id.substr(0, 16)); }

const char* bucket_name(std::uint8_t bucket) {
  static const char* const names[] = {"balance", "staked", "unbonding", "escrowed"};
  return bucket < 4 ? names[bucket] : "?";
}

void print_receipt(const completion_receipt& r) {
  const bool signed_ok = verify_receipt(r).ok();
  fmt::print("receipt    from miner {} ({}), model {} hash {}\n", short_id(r.worker_id),
             signed_ok ? "signature valid" : "SIGNATURE INVALID", shown(r.model), short_id(r.model_hash));
  fmt::print("           prompt {} tokens (hash {}), completion {} tokens from position {}, finish {}\n",
             r.prompt_token_count, short_id(r.prompt_hash), r.completion_token_count, r.first_index, shown(r.finish_reason));
  fmt::print("           sampling T={} top_k={} top_p={} min_p={} seed={}; evidence {} output tokens, {} fingerprint "
             "bytes ({:.1f} per token)\n",
             r.sampling.temperature, r.sampling.top_k, r.sampling.top_p, r.sampling.min_p, r.sampling.seed,
             r.output_tokens.size(), r.fingerprints.size(),
             r.completion_token_count ? double(r.fingerprints.size()) / r.completion_token_count : 0.0);
}

// The evidence an embedding's verdict rests on is the cosine; a completion's, its tokens and fingerprints.
void print_verdict(const audit_verdict& v, bool embedding) {
  const audit_evidence& e = v.evidence;
  const std::string evidence =
      embedding ? fmt::format("embedding cosine {:.6f}", e.embedding_cosine)
                : fmt::format("{} tokens checked, {} implausible, {} near ties, {} fingerprint mismatches, logprob "
                              "deviation mean {:.3f} max {:.3f}",
                              e.tokens_checked, e.implausible_tokens, e.near_ties, e.fingerprint_mismatches,
                              e.logprob_deviation_mean, e.logprob_deviation_max);
  fmt::print("verdict    validator {} ({}): {}{} — {}, replay {} ms{}\n", short_id(v.validator),
             validator::verify_audit_verdict(v).ok() ? "signed" : "BAD SIGNATURE",
             v.guilty ? "GUILTY of " + shown(v.reason) : std::string("innocent"),
             v.detail.empty() ? "" : " (" + shown(v.detail) + ")",
             evidence, e.replay_ms, v.canary ? ", canary" : "");
}

// The ledger's entries under `op_ids`; false when the settlement actor answered none.
bool print_ledger(node& client, const std::string& settlement, const std::vector<std::string>& op_ids,
                  std::int64_t timeout_ms) {
  auto entries = client.call<entries_reply>(settlement, entries_query{op_ids}, timeout_ms);
  if (!entries.ok()) {
    // A node refuses a stranger's entries_query at its door (it holds account data) and says so.
    if (entries.err().code == error_code::permission_denied) {
      fmt::print("ledger     withheld: entries are for coordinators (pass --identity with a key the node lists "
                 "under security.coordinators or operators; {})\n", entries.err().message);
    } else {
      fmt::print("ledger     not reachable at {}: {}\n", settlement, entries.err().message);
    }
    return false;
  }
  if (entries->entries.empty()) fmt::print("ledger     no entries (not billed through settlement)\n");
  for (const auto& e : entries->entries) {
    fmt::print("ledger     entry {} {} (op {}{}), hash {}\n", e.seq, shown(e.operation), shown(e.op_id), e.convicted ? ", CONVICTED" : "",
               to_hex(e.entry_hash).substr(0, 16));
    for (const auto& p : e.postings) {
      fmt::print("             {:<18} {:<9} {:+}\n", short_id(p.account), bucket_name(p.bucket), p.delta_micro);
    }
  }
  return !entries->entries.empty();
}

status run_trace(const trace_options& options) {
  auto connected = cli::connect_to_node(
      {options.config, options.endpoint, options.node_name, options.server_key, options.transport_key, options.identity},
      "trace");
  if (!connected.ok()) return connected.err();
  auto& client = connected->client;
  const std::string& target_node = connected->target_node;
  const std::string matchmaker = cli::actor_address(options.matchmaker, target_node, connected->peers);
  const std::string settlement = cli::actor_address(options.settlement, target_node, connected->peers);
  auto report = client->call<trace_report>(matchmaker, trace_query{options.request_id}, options.timeout_ms);
  if (!report.ok() && report.err().code == error_code::not_found) {
    // A request cancelled or failed before any worker streamed is not in the matchmaker's memory,
    // but its escrow and refund are in the ledger: shown.
    fmt::print("request    {}: not remembered by {} (cancelled, failed, unknown, or older than audit_memory)\n",
               shown(options.request_id), matchmaker);
    trace_report bare;
    bare.request_id = options.request_id;
    if (print_ledger(*client, settlement, trace_op_ids(bare), options.timeout_ms)) return {};
  }
  if (!report.ok()) return cli::explain_failure(*connected, matchmaker, report.err(), options.timeout_ms);
  const inference_request& q = report->request;
  if (q.embedding) {
    fmt::print("request    {} model {}, embedding of a prompt ({} bytes of text, {} token ids)\n", shown(report->request_id),
               shown(q.model), q.prompt.size(), q.prompt_tokens.size());
  } else {
    fmt::print("request    {} model {}, max_tokens {}, {} prompt ({} bytes of text, {} token ids)\n", shown(report->request_id),
               shown(q.model), q.max_tokens, q.client_streamed() ? "streamed" : "whole-answer", q.prompt.size(), q.prompt_tokens.size());
  }
  for (const auto& worker : report->worker_ids) fmt::print("miner      {} served it\n", shown(worker));
  if (report->receipts.empty()) fmt::print("receipt    none arrived (or it was refused: forged or missing signature)\n");
  for (const auto& r : report->receipts) print_receipt(r);
  for (const auto& segment : report->segments) {
    const std::size_t end = segment.output_tokens.size();
    fmt::print("segment    {} streamed positions {}..{} without a receipt of its own: paid from its signed chunk claim "
               "({} fingerprint bytes), audited as a segment\n",
               shown(segment.worker_id), segment.first_index, end, segment.fingerprints.size());
  }
  if (report->verdicts.empty()) fmt::print("audits     none (not drawn for audit yet, or no validators)\n");
  if (report->escalated) fmt::print("audits     escalated to every validator after a guilty verdict\n");
  for (const auto& v : report->verdicts) print_verdict(v, q.embedding);
  (void)print_ledger(*client, settlement, trace_op_ids(*report), options.timeout_ms);
  return {};
}

void add_trace(CLI::App& app) {
  auto* command = app.add_subcommand("trace", "Print a request's path through the live grid: request, miner, receipt, "
                                              "audits and verdicts, ledger entries.");
  infergrid::cli::set_default_log_level(*command, infergrid::log_level::warn);  // asks a running grid
  auto options = std::make_shared<trace_options>();
  command->add_option("request_id", options->request_id, "The grid's request id (`infergrid ask --workers` prints it)")
      ->required();
  command->add_option("--config", options->config, "Config of the node hosting the matchmaker and settlement "
                                                    "(default: deploy/all-in-one.yaml).");
  command->add_option("--endpoint", options->endpoint, "tcp://host:port of that node (overrides the config).");
  command->add_option("--node", options->node_name, "Name of that node (overrides the config).");
  command->add_option("--server-key", options->server_key, "The node's CurveZMQ public key when reached by --endpoint.");
  command->add_option("--transport-key", options->transport_key, "With --server-key: the transport.key to connect with.");
  command->add_option("--identity", options->identity, "Signing key to ask with: one the node lists under "
                                                        "security.operators or coordinators also reads the ledger "
                                                        "entries.");
  command->add_option("--matchmaker", options->matchmaker, "The matchmaker actor's name (default: matchmaker).");
  command->add_option("--settlement", options->settlement, "The settlement actor: a name (default: settlement; on the config's peer that hosts it, "
                                                  "else on the node reached) or a full address node/actor.");
  command->add_option("--timeout-ms", options->timeout_ms, "How long to wait for each reply (default: 3000).");
  command->callback([options] {
    auto outcome = run_trace(*options);
    if (!outcome.ok()) {
      fmt::print(stderr, "infergrid trace: {}\n", outcome.err().message);
      infergrid::cli::set_exit_code(1);
    }
  });
}

IG_REGISTER_COMMAND(add_trace);

}  // namespace
