#include "actors/cli/earnings_estimate.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace infergrid::cli {
namespace {

std::string tokens(double micro) { return fmt::format("{:.6f}", micro / 1e6); }

}  // namespace

earnings_estimate estimate_earnings(const earnings_inputs& in) {
  earnings_estimate out;
  if (in.supply && in.supply->cleared_jobs > 0) {
    out.price_completion_micro = in.supply->cleared_completion_micro;
    out.price_source = fmt::format("what the last {} {} jobs cleared at", in.supply->cleared_jobs, in.supply->model);
  } else if (in.supply && in.supply->workers > 0) {
    out.price_completion_micro = in.supply->ask_completion.median_micro;
    out.price_source = fmt::format("the median ask of the {} live {} workers", in.supply->workers, in.supply->model);
  } else {
    out.price_completion_micro = in.own_ask_completion_micro;
    out.price_source = "your own ask: no one serves this model on the grid yet";
  }
  if (in.demand && in.demand->samples > 0) {
    out.load = static_cast<double>(in.demand->utilisation_ppm) / 1e6;
    out.load_source = fmt::format("the grid's slots busy over the last {} s (all models, matchmaker's demand meter)",
                                  in.demand_window_s);
  } else if (in.supply && in.supply->slots > 0) {
    out.load = in.supply->utilisation_permille / 1000.0;
    out.load_source = fmt::format("{}'s slots busy now", in.supply->model);
  } else {
    out.load_source = "no load measured yet";
  }
  out.load = std::clamp(out.load, 0.0, 1.0);
  out.tokens_per_hour = in.full_load_tokens_per_second * out.load * 3600.0;
  out.micro_per_hour = out.tokens_per_hour * static_cast<double>(out.price_completion_micro) / 1000.0;
  out.micro_per_hour_full_load =
      in.full_load_tokens_per_second * 3600.0 * static_cast<double>(out.price_completion_micro) / 1000.0;
  return out;
}

std::string describe(const earnings_estimate& e, double full_load_tokens_per_second) {
  std::string out;
  out += fmt::format("  price       {} micro per 1k completion tokens ({})\n", e.price_completion_micro, e.price_source);
  out += fmt::format("  load        {:.1f}% ({})\n", e.load * 100.0, e.load_source);
  out += fmt::format("  throughput  {:.1f} tokens/s with every slot busy (measured above)\n", full_load_tokens_per_second);
  out += fmt::format("  ≈ {} tokens/hour at this load = {:.1f} tokens/s × {:.3f} × 3600 s × {} / 1000 / 1e6\n",
                     tokens(e.micro_per_hour), full_load_tokens_per_second, e.load, e.price_completion_micro);
  out += fmt::format("  ≈ {} tokens/hour with every slot busy all hour\n", tokens(e.micro_per_hour_full_load));
  out += "  (completion tokens only, before the ledger's fee; prompt tokens and epoch rewards come on top)\n";
  return out;
}

}  // namespace infergrid::cli
