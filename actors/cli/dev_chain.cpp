#include "actors/cli/dev_chain.hpp"

#include <filesystem>
#include <optional>

#include <fmt/format.h>

#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/identity_binder.hpp"
#include "actors/settlement/chain/token_units.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "runtime/identity.hpp"

namespace infergrid::cli {
namespace {

using namespace infergrid::chain;

// A loaded or new key, and whether it was made now (a new account is funded even on a reused chain).
struct dev_key {
  chain_key key;
  bool made = false;
};

result<dev_key> load_or_make(const std::string& path) {
  if (std::filesystem::exists(path)) {
    auto key = read_chain_key_file(path);
    if (!key) return key.err();
    return dev_key{*key, false};
  }
  const chain_key key = chain_key::generate();
  IG_TRY(write_chain_key_file(path, key));
  return dev_key{key, true};
}

// The vault of an earlier start, when the deployment file names one this chain still holds.
std::optional<vault_deployment> earlier_deployment(chain_client& client, const std::string& path) {
  if (!std::filesystem::exists(path)) return std::nullopt;
  auto record = read_vault_deployment_file(path);
  if (!record) return std::nullopt;
  auto id = client.chain_id();
  auto there = has_code(client, record->deployment.vault);
  if (!id || !there || !*there || *id != record->deployment.chain_id) return std::nullopt;
  return record->deployment;
}

// A settings mapping with `key` set to `value` unless it is set already.
void set_default(YAML::Node& mapping, const std::string& key, const YAML::Node& value) {
  if (!mapping[key] || mapping[key].IsNull()) mapping[key] = value;
}

}  // namespace

std::vector<dev_miner> dev_chain::miners_of(const node_config& config, const dev_chain_options& options) {
  std::vector<dev_miner> miners;
  for (const auto& actor : config.actors) {
    if (actor.kind != "gpu_worker") continue;
    auto own = actor.config.get<std::string>("identity_file", "");
    const std::string file = own.ok() && !own->empty() ? *own : options.dir + "/" + actor.name + ".identity";
    miners.push_back(dev_miner{actor.name, file});
  }
  return miners;
}

result<std::unique_ptr<dev_chain>> dev_chain::start(const dev_chain_options& options, const std::vector<dev_miner>& miners) {
  std::error_code made;
  std::filesystem::create_directories(options.dir, made);
  if (made) return make_error(error_code::io_error, "cannot create " + options.dir + ": " + made.message());
  auto chain = std::unique_ptr<dev_chain>(new dev_chain());
  chain->options_ = options;
  chain->miners_ = miners;
  local_anvil_options node;
  node.binary = options.tools_dir + "/anvil";
  node.port = options.port;
  node.log_path = options.dir + "/anvil.log";
  node.state_path = options.dir + "/anvil-state.json";
  node.state_interval_s = options.state_interval_s;
  auto started = local_anvil::start(node);
  if (!started) return started.err();
  chain->node_ = std::move(*started);
  IG_TRY(chain->deploy_or_reuse());
  return chain;
}

status dev_chain::deploy_or_reuse() {
  chain_client client(node_->endpoint());
  const auto earlier = earlier_deployment(client, deployment_path());
  reused_ = earlier.has_value();
  // A new deployment gets a new deployer, so its vault's address is new too: a ledger kept from an
  // earlier chain holds a cursor for the old vault, which must not apply to this one.
  const std::string deployer_path = options_.dir + "/deployer.key";
  if (!reused_) std::filesystem::remove(deployer_path);
  auto deployer = load_or_make(deployer_path);
  if (!deployer) return deployer.err();
  std::vector<std::string> names = {"operator", "developer"};
  for (const auto& miner : miners_) names.push_back(miner.name);
  std::vector<dev_key> keys;
  for (const auto& name : names) {
    auto key = load_or_make(options_.dir + "/" + name + ".key");
    if (!key) return make_error(key.err().code, name + ": " + key.err().message);
    keys.push_back(*key);
    accounts_.push_back(dev_account{name, options_.dir + "/" + name + ".key", key->key.chain_address()});
  }

  if (earlier) {
    deployment_ = *earlier;
  } else {
    IG_TRY(fund_dev_account(client, deployer->key.chain_address(), deployer->key, address{}, 0));
    vault_parameters parameters = default_vault_parameters();
    parameters.operator_address = keys[0].key.chain_address();
    set_rules(parameters, options_.rules);  // the settlement's own, so the vault enforces what its ledger books
    auto deployed = deploy_vault(client, deployer->key, options_.tools_dir + "/artifacts", parameters, /*deploy_test_token=*/true);
    if (!deployed) return deployed.err();
    deployment_ = *deployed;
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (reused_ && !keys[i].made) continue;  // funded when the chain was made (its state kept that)
    const std::uint64_t tokens = names[i] == "operator" ? 0 : options_.tokens_per_account_micro;
    auto funded = fund_dev_account(client, keys[i].key.chain_address(), deployer->key, deployment_.token, tokens);
    if (!funded) return make_error(funded.err().code, "funding " + names[i] + ": " + funded.err().message);
  }
  for (std::size_t i = 0; i < miners_.size(); ++i) accounts_[2 + i].stake_note = bind_and_stake(client, miners_[i], keys[2 + i].key);
  // Rewritten at every start: the endpoint follows the port.
  return write_vault_deployment_file(deployment_path(), vault_deployment_record{node_->endpoint(), deployment_});
}

std::string dev_chain::bind_and_stake(chain_client& client, const dev_miner& miner, const chain_key& wallet) {
  auto node = identity::load_or_create(miner.identity_file);
  if (!node) return "not bound: " + miner.identity_file + ": " + node.err().message;
  const std::string node_hex = to_hex(node->public_id());
  auto bound = bind_identity_once(client, deployment_.vault, deployment_.chain_id, wallet, *node);
  if (!bound && bound.err().code == error_code::conflict) {
    return "not bound to node " + node_hex + ": " + bound.err().message + " (was " + miner.identity_file +
           " replaced?); this worker is paid unstaked";
  }
  if (!bound) return "not bound: " + bound.err().message;
  if (!bound->has_value()) return "bound to node " + node_hex + " at an earlier start";
  const std::uint64_t stake = options_.rules.miner_stake_min_micro;
  const auto sent = [&](const std::string& what, const address& to, const bytes& data) -> std::optional<std::string> {
    auto receipt = client.send(wallet, to, data);
    if (receipt) return std::nullopt;
    return "not staked: " + what + ": " + receipt.err().message;
  };
  auto scale = read_token_scale(client, deployment_.vault);
  if (!scale) return "not staked: " + scale.err().message;
  if (auto failed = sent("approve", deployment_.token, token_call::approve(deployment_.vault, token_units(stake, *scale)))) {
    return *failed;
  }
  if (auto failed = sent("stake", deployment_.vault, vault_call::stake(stake_role::miner, stake))) return *failed;
  return "bound to node " + node_hex + ", staked " + ledger::format_amount(static_cast<std::int64_t>(stake)) + " tokens";
}

result<actor_config*> dev_chain::settlement_of(node_config& config) {
  actor_config* settlement = nullptr;
  for (auto& actor : config.actors) {
    if (actor.kind != "settlement") continue;
    if (settlement != nullptr) return make_error(error_code::invalid_argument, "--chain: the config has more than one settlement actor");
    settlement = &actor;
  }
  if (settlement == nullptr) return make_error(error_code::invalid_argument, "--chain: the config has no settlement actor to connect");
  if (settlement->config.has("chain_endpoint") || settlement->config.has("chain_deployment")) {
    return make_error(error_code::invalid_argument, settlement->config.where("chain_endpoint") +
                                                        ": this settlement actor names its own chain; drop --chain or that key");
  }
  return settlement;
}

status dev_chain::configure(node_config& config) const {
  auto found = settlement_of(config);
  if (!found) return found.err();
  actor_config* settlement = *found;
  YAML::Node mapping = settlement->config.yaml().IsMap() ? YAML::Clone(settlement->config.yaml()) : YAML::Node(YAML::NodeType::Map);
  mapping["chain_deployment"] = std::filesystem::absolute(deployment_path()).string();
  set_default(mapping, "chain_operator_key", YAML::Node(std::filesystem::absolute(options_.dir + "/operator.key").string()));
  set_default(mapping, "chain_confirmations", YAML::Node(0));  // anvil mines each transaction at once, alone
  if (!settlement->config.has("epoch_interval_s")) set_default(mapping, "epoch_interval_ms", YAML::Node(options_.epoch_interval_ms));
  settlement->config = settings(mapping, settlement->config.source(), settlement->config.key_path(""));
  for (auto& actor : config.actors) {
    if (actor.kind != "gpu_worker" || actor.config.has("identity_file")) continue;
    for (const auto& miner : miners_) {
      if (miner.name != actor.name) continue;
      YAML::Node worker = actor.config.yaml().IsMap() ? YAML::Clone(actor.config.yaml()) : YAML::Node(YAML::NodeType::Map);
      worker["identity_file"] = std::filesystem::absolute(miner.identity_file).string();
      actor.config = settings(worker, actor.config.source(), actor.config.key_path(""));
    }
  }
  return {};
}

std::string dev_chain::summary() const {
  std::string out = fmt::format("dev chain: anvil at {}, chain id {} (state and keys in {}/, log {}/anvil.log)\n",
                                node_->endpoint(), deployment_.chain_id, options_.dir, options_.dir);
  out += fmt::format("  vault {} (SettlementVault, {}), token {} (TestToken)\n", to_hex_0x(deployment_.vault),
                     reused_ ? "from an earlier start" : fmt::format("deployed now, {} gas", deployment_.vault_deploy_gas),
                     to_hex_0x(deployment_.token));
  for (const auto& account : accounts_) {
    const std::string role = account.name == "operator"    ? "anchors closed epochs"
                             : account.name == "developer" ? "deposits: pays for requests"
                                                           : "a miner's wallet (stake)";
    out += fmt::format("  {:<10} {}  key {}  ({})\n", account.name, to_hex_0x(account.address), account.key_path, role);
    if (!account.stake_note.empty()) out += fmt::format("             {}\n", account.stake_note);
  }
  out += fmt::format("  deployment file {} (the settlement actor's chain_deployment)\n", deployment_path());
  const auto& developer = accounts_[1];
  out += fmt::format("  try: infergrid chain deposit 10 --rpc {} --vault {} --key {}\n", node_->endpoint(),
                     to_hex_0x(deployment_.vault), developer.key_path);
  out += fmt::format("       infergrid keys create --account {}   (an API key that spends the deposit)\n",
                     to_hex_0x(developer.address));
  return out;
}

void dev_chain::stop() {
  if (!node_) return;
  node_->stop();
  node_.reset();
}

}  // namespace infergrid::cli
