#pragma once
// dev_chain: the local chain of `infergrid up --chain` (deploy/readme/chain.md, "Dev chain"). It
// starts anvil with its state in a folder (so the chain, like the ledger file, outlives a restart),
// deploys the test token and the SettlementVault the first time (later starts find them there),
// funds the dev accounts — the operator (gas for anchoring), the developer and one wallet per
// gpu_worker (gas and test tokens) — binds each worker's node identity to its wallet and stakes the
// vault's miner minimum from it (so the ledger books that stake to the worker's own account, the one
// its receipts are paid to), and points the config's settlement actor at the chain and each worker
// at its identity file. The folder holds every key, the deployment file, anvil's state and its log:
//   infergrid-chain/deployer.key operator.key developer.key <worker>.key <worker>.identity
//                   deployment.yaml anvil-state.json anvil.log
#include <memory>
#include <string>
#include <vector>

#include "actors/settlement/chain/chain_key.hpp"
#include "actors/settlement/chain/local_anvil.hpp"
#include "actors/settlement/chain/vault_deploy.hpp"
#include "actors/settlement/chain/vault_rules.hpp"
#include "runtime/config.hpp"

namespace infergrid::cli {

struct dev_chain_options {
  std::string dir = "infergrid-chain";                        // keys, deployment file, state, log
  std::uint16_t port = 8545;                                  // anvil's port; 0: a free one
  std::string tools_dir = chain::default_chain_tools_dir();   // anvil and the compiled contracts
  std::uint64_t tokens_per_account_micro = 1000'000'000;      // test tokens for the developer and each miner
  std::uint32_t state_interval_s = 10;                        // anvil also saves its state this often
  std::int64_t epoch_interval_ms = 60'000;                    // when the settlement closes no epochs by itself
  chain::vault_rules rules = chain::rules_of(chain::default_vault_parameters());  // a new vault's slashing and
                                                              // stake rules (`up --chain`: its settlement's ledger's)
};

struct dev_account {
  std::string name;       // developer, operator, or a worker's name
  std::string key_path;
  chain::address address{};
  std::string stake_note;  // a worker's: its binding and stake, or why there is none
};

// A gpu_worker of the config: its name and identity file (its own `identity_file`, or
// <dir>/<name>.identity when it sets none).
struct dev_miner {
  std::string name;
  std::string identity_file;
};

class dev_chain {
 public:
  // The config's gpu_worker actors: one funded wallet each, bound to the worker's identity, staked.
  static std::vector<dev_miner> miners_of(const node_config& config, const dev_chain_options& options);
  // The config's one settlement actor, which --chain connects: none, two, or one that already names
  // a chain is refused, with a message that says which.
  static result<actor_config*> settlement_of(node_config& config);
  static result<std::unique_ptr<dev_chain>> start(const dev_chain_options& options, const std::vector<dev_miner>& miners);
  ~dev_chain() { stop(); }

  // Points the settlement actor of `config` (settlement_of) at the chain (chain_deployment, chain_operator_key, no
  // confirmations on an instantly mined chain, epochs closed every epoch_interval_ms unless set), and
  // each gpu_worker without an identity_file at the identity bound to its wallet.
  status configure(node_config& config) const;
  // Where the chain is and what to try: RPC URL, chain id, token, vault, accounts and their keys.
  std::string summary() const;
  // Stops anvil (it writes its state); idempotent.
  void stop();

 private:
  dev_chain_options options_;
  std::unique_ptr<chain::local_anvil> node_;
  chain::vault_deployment deployment_;
  bool reused_ = false;
  std::vector<dev_account> accounts_;
  std::vector<dev_miner> miners_;
  std::string deployment_path() const { return options_.dir + "/deployment.yaml"; }
  result<chain::chain_key> load_or_make_key(const std::string& name);
  status deploy_or_reuse();
  // A worker's wallet bound to its identity and staked, once; the note says what was done or why not.
  std::string bind_and_stake(chain::chain_client& client, const dev_miner& miner, const chain::chain_key& wallet);
};

}  // namespace infergrid::cli
