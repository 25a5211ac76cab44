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

std::string miner_grid::describe_failure(const error& failure, const grid_peer& peer, const std::string& endpoint) const {
  if (failure.code == error_code::timeout || failure.code == error_code::unavailable) {
    return "no grid reachable: " + peer.actor + " at " + endpoint + " did not answer within " +
           std::to_string(timeout_ms_) + " ms (is the grid up, and are the peers in " + setup_->config.source +
           " right?)";
  }
  if (failure.code == error_code::permission_denied) {
    return peer.actor + " refused this miner's key: " + failure.message +
           " (a grid admits miners with `admit: open`, or lists your signing.pub under security.members)";
  }
  return peer.actor + ": " + failure.message;
}

}  // namespace infergrid::cli
