// `infergrid ask --model M [--endpoint tcp://...] [--stream] "prompt"`: sends one request to a
// gateway (actors/gateway) and prints the completion; --stream prints the text as it comes.
#include <cstdio>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "actors/cli/command_registry.hpp"
#include "actors/gateway/client/infergrid_client.hpp"

namespace infergrid::cli {
namespace {

struct ask_flags {
  std::string endpoint = "tcp://127.0.0.1:7410";
  std::string server_key;  // the gateway's transport.pub (or Z85) when its client socket runs curve
  std::string prompt;
  std::int64_t timeout_ms = 60000;
  bool stream = false;
  bool show_workers = false;
  bool supply = false;
  inference_request request;
};

int print_supply(infergrid_client& client, const ask_flags& flags) {
  auto report = client.supply(flags.request.model, flags.timeout_ms);
  if (!report.ok()) {
    fmt::print(stderr, "infergrid ask: {} (code {})\n", report.err().message, static_cast<int>(report.err().code));
    return 1;
  }
  for (const auto& m : report->models) {
    fmt::print("{}: workers {}, slots {} (free {}), running {}, queued {}, utilisation {:.1f}%, completed {}, "
               "failovers {}, cheapest {} micro/1k completion tokens\n",
               m.model, m.workers, m.slots, m.free_slots, m.running, m.queued, m.utilisation_permille / 10.0, m.completed,
               m.failovers, m.min_price_completion_micro);
    fmt::print("  asks (micro/1k, p10/median/p90): prompt {}/{}/{}, completion {}/{}/{}; cleared over the last {} jobs: "
               "prompt {}, completion {}\n",
               m.ask_prompt.p10_micro, m.ask_prompt.median_micro, m.ask_prompt.p90_micro, m.ask_completion.p10_micro,
               m.ask_completion.median_micro, m.ask_completion.p90_micro, m.cleared_jobs, m.cleared_prompt_micro,
               m.cleared_completion_micro);
    fmt::print("  demand: queue p95 {} ms; {}\n", m.queue_p95_ms,
               m.short_of_capacity ? fmt::format("SHORT of capacity, {} more slots wanted", m.slots_wanted)
                                   : std::string("capacity meets demand"));
  }
  fmt::print("evictions: {}\n", report->evictions);
  return 0;
}

int run_ask(ask_flags& flags) {
  std::string server_key;
  if (!flags.server_key.empty()) {
    auto parsed = parse_curve_public(flags.server_key);
    if (!parsed.ok()) {
      fmt::print(stderr, "infergrid ask: --server-key: {}\n", parsed.err().message);
      return 2;
    }
    server_key = *parsed;
  }
  infergrid_client client(flags.endpoint, server_key);
  if (flags.supply) return print_supply(client, flags);
  if (flags.request.model.empty() || flags.prompt.empty()) {
    fmt::print(stderr, "infergrid ask: give --model and a prompt (or --supply)\n");
    return 2;
  }
  flags.request.prompt = flags.prompt;
  result<completion_result> answer = make_error(error_code::internal, "not run");
  // The prompt is echoed before the first text of the answer, never before an error: a refused
  // request (unknown model, grid not reached) prints only the error.
  bool echoed = false;
  const auto echo_once = [&] {
    if (!echoed) fmt::print("{}", flags.prompt);
    echoed = true;
  };
  if (flags.stream) {
    answer = client.stream(flags.request, [&](const token_chunk& chunk) {
      echo_once();
      fmt::print("{}", chunk.text);
      std::fflush(stdout);
      return true;
    }, flags.timeout_ms);
  } else {
    answer = client.complete(flags.request, flags.timeout_ms);
  }
  if (answer.ok()) {
    echo_once();
    if (!flags.stream) fmt::print("{}", answer->text);
  }
  if (echoed) fmt::print("\n");
  std::fflush(stdout);
  if (!answer.ok()) {
    // A CurveZMQ gateway never answers a plaintext client (nor one with the wrong key): say so.
    const bool maybe_curve = answer.err().code == error_code::timeout;
    fmt::print(stderr, "infergrid ask: {} (code {}){}\n", answer.err().message, static_cast<int>(answer.err().code),
               !maybe_curve ? "" : flags.server_key.empty()
                                  ? "; if the gateway sets transport_key, pass --server-key <its transport.pub>"
                                  : "; check that --server-key is the gateway's transport.pub");
    return 1;
  }
  if (flags.show_workers) {
    fmt::print(stderr, "{} tokens ({}), prompt {} tokens, workers: {}, request {} (infergrid trace)\n",
               answer->tokens.size(), answer->finish_reason, answer->prompt_token_count,
               fmt::join(answer->worker_ids, ", "), answer->grid_request_id);
  }
  return 0;
}

void add_ask(CLI::App& app) {
  auto flags = std::make_shared<ask_flags>();
  flags->request.max_tokens = 64;
  CLI::App* cmd = app.add_subcommand("ask", "Send a prompt to a running grid's gateway and print the completion");
  cmd->add_option("prompt", flags->prompt, "Prompt text");
  cmd->add_option("--model,-m", flags->request.model, "Model name, as the workers advertise it");
  cmd->add_flag("--supply", flags->supply, "Print the matchmaker's supply signal per model (--model filters) instead");
  cmd->add_option("--endpoint", flags->endpoint, "Gateway endpoint")->capture_default_str();
  cmd->add_option("--server-key", flags->server_key,
                  "The gateway's CurveZMQ public key (Z85 or its transport.pub) when its client socket runs curve");
  cmd->add_flag("--stream", flags->stream, "Print tokens as they are generated (DEALER)");
  cmd->add_option("-n,--max-tokens", flags->request.max_tokens, "Most tokens to generate")->capture_default_str();
  cmd->add_option("--temp", flags->request.sampling.temperature, "Temperature (<= 0: greedy)")->capture_default_str();
  cmd->add_option("--top-k", flags->request.sampling.top_k, "Top-k")->capture_default_str();
  cmd->add_option("--top-p", flags->request.sampling.top_p, "Top-p")->capture_default_str();
  cmd->add_option("--seed", flags->request.sampling.seed, "Sampling seed")->capture_default_str();
  // The repeatable options take one value each time they are given, so a prompt after one of them
  // stays the prompt ("--stop . 'Once upon a time'" took the prompt for a second stop string).
  cmd->add_option("--stop", flags->request.stop, "Stop string (repeatable)")->allow_extra_args(false);
  cmd->add_option("--max-price", flags->request.routing.max_price_completion_micro,
                  "Price cap per 1k completion tokens, micro-units (0: none)");
  cmd->add_option("--quant", flags->request.routing.allowed_quantisations, "Allowed quantisation (repeatable)")->allow_extra_args(false);
  cmd->add_option("--prefer", flags->request.routing.preferred_miners, "Preferred miner id (repeatable)")->allow_extra_args(false);
  cmd->add_option("--exclude", flags->request.routing.excluded_miners, "Excluded miner id (repeatable)")->allow_extra_args(false);
  cmd->add_option("--timeout-ms", flags->timeout_ms, "How long to wait for the answer")->capture_default_str();
  cmd->add_flag("--workers", flags->show_workers, "Report token count and serving workers on stderr");
  cmd->callback([flags] { set_exit_code(run_ask(*flags)); });
}

IG_REGISTER_COMMAND(add_ask);

}  // namespace
}  // namespace infergrid::cli
