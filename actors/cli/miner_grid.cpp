#include "actors/cli/miner_grid.hpp"

namespace infergrid::cli {

result<miner_grid> miner_grid::connect(const miner_setup& setup, const std::string& self_name, std::int64_t timeout_ms) {
  auto hub = connect_to_node(setup.matchmaker.target, self_name);
  if (!hub.ok()) return hub.err();
  std::optional<connected_node> ledger;
  if (setup.settlement.target.node_name != setup.matchmaker.target.node_name) {
    auto reached = connect_to_node(setup.settlement.target, self_name + "-ledger");
    if (!reached.ok()) return reached.err();
    ledger = std::move(*reached);
  }
  return miner_grid(setup, std::move(*hub), std::move(ledger), timeout_ms);
}

std::string miner_grid::describe_failure(const error& failure, const grid_peer& peer, const connected_node& reached) const {
  const std::string peers_hint = " (are the peers in " + setup_->config.source + " right?)";
  if (failure.code == error_code::timeout) {
    return "no grid reachable: " + explain_failure(reached, peer.actor, failure, timeout_ms_).message + peers_hint;
  }
  if (failure.code == error_code::unavailable) {
    return "no grid reachable: " + peer.actor + " at " + reached.endpoint + ": " + failure.message + peers_hint;
  }
  if (failure.code == error_code::permission_denied) {
    return peer.actor + " refused this miner's key: " + failure.message +
           " (a grid admits miners with `admit: open`, or lists your signing.pub under security.members)";
  }
  return peer.actor + ": " + failure.message;
}

}  // namespace infergrid::cli
