#include "actors/http_bridge/chain_metrics.hpp"

#include <fmt/format.h>

namespace infergrid::http {

void render_chain_metrics(std::string& out, const ledger_view_report& ledger) {
  const chain_bridge_view& c = ledger.chain;
  if (!c.enabled) return;
  struct sample {
    const char* labels;
    double value;
  };
  struct series {
    const char* name;
    const char* type;
    const char* help;
    std::vector<sample> samples;
  };
  const auto count = [](std::uint64_t n) { return static_cast<double>(n); };
  const series rows[] = {
      {"infergrid_chain_node_reachable", "gauge", "1 while the chain watcher's last read of the node succeeded.",
       {{"", c.node_reachable ? 1.0 : 0.0}}},
      {"infergrid_chain_next_block", "gauge", "The next block the chain watcher reads.", {{"", count(c.next_block)}}},
      {"infergrid_chain_watcher_failures_total", "counter", "Chain reads that failed (the watcher retried with backoff).",
       {{"", count(c.watcher_failures)}}},
      {"infergrid_chain_operations_total", "counter", "Ledger operations from vault events, by result.",
       {{"result=\"applied\"", count(c.operations_applied)},
        {"result=\"replayed\"", count(c.operations_replayed)},
        {"result=\"refused\"", count(c.operations_refused)}}},
      {"infergrid_chain_anchors_sent_total", "counter", "anchorEpoch transactions mined.", {{"", count(c.anchors_sent)}}},
      {"infergrid_chain_anchor_failures_total", "counter", "Anchor attempts that failed (retried).", {{"", count(c.anchor_failures)}}},
      {"infergrid_chain_latest_anchored_epoch", "gauge", "The vault's latest anchored epoch, as last read.",
       {{"", count(c.latest_anchored_epoch)}}},
      {"infergrid_chain_slashes_sent_total", "counter", "slash transactions mined.", {{"", count(c.slashes_sent)}}},
      {"infergrid_chain_slash_failures_total", "counter", "Slash attempts that failed (retried).", {{"", count(c.slash_failures)}}},
      {"infergrid_chain_slashes_booked_total", "counter",
       "Slashed events booked in the ledger: of this ledger's convictions, or ones the vault executed first.",
       {{"convicted_here=\"true\"", count(c.slashes_booked)}, {"convicted_here=\"false\"", count(c.slashes_unknown)}}},
      {"infergrid_chain_reorganised", "gauge",
       "1 once a reorganisation deeper than chain_confirmations stopped the following of the vault.",
       {{"", c.reorganised.empty() ? 0.0 : 1.0}}},
  };
  for (const series& s : rows) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", s.name, s.help, s.name, s.type);
    for (const sample& one : s.samples) {
      out += *one.labels == '\0' ? fmt::format("{} {}\n", s.name, one.value) : fmt::format("{}{{{}}} {}\n", s.name, one.labels, one.value);
    }
  }
}

}  // namespace infergrid::http
