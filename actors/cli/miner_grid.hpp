#pragma once
// miner_grid: a miner's CLI connection to its grid — the hub's matchmaker and the ledger's
// settlement actor, reached as the miner's node config says and signing with the miner's key (the
// ledger lets a member stake and read only its own account). A silence becomes "no grid reachable"
// with where it looked and what the link showed (node_client.hpp explain_failure).
#include <optional>
#include <string>

#include "actors/cli/miner_setup.hpp"
#include "actors/cli/node_client.hpp"

namespace infergrid::cli {

class miner_grid {
 public:
  static result<miner_grid> connect(const miner_setup& setup, const std::string& self_name, std::int64_t timeout_ms);

  template <class Reply, class T>
  result<Reply> ask_matchmaker(const T& message) {
    return explain(hub_.client->call<Reply>(setup_->matchmaker.actor, message, timeout_ms_), setup_->matchmaker, hub_);
  }
  template <class Reply, class T>
  result<Reply> ask_settlement(const T& message) {
    connected_node& ledger = ledger_ ? *ledger_ : hub_;
    return explain(ledger.client->call<Reply>(setup_->settlement.actor, message, timeout_ms_), setup_->settlement, ledger);
  }

 private:
  miner_grid(const miner_setup& setup, connected_node hub, std::optional<connected_node> ledger, std::int64_t timeout_ms)
      : setup_(&setup), hub_(std::move(hub)), ledger_(std::move(ledger)), timeout_ms_(timeout_ms) {}

  template <class Reply>
  result<Reply> explain(result<Reply> reply, const grid_peer& peer, const connected_node& reached) const {
    if (reply.ok()) return reply;
    return make_error(reply.err().code, describe_failure(reply.err(), peer, reached));
  }
  std::string describe_failure(const error& failure, const grid_peer& peer, const connected_node& reached) const;

  const miner_setup* setup_;
  connected_node hub_;
  std::optional<connected_node> ledger_;  // none: the ledger is on the hub
  std::int64_t timeout_ms_;
};

}  // namespace infergrid::cli
