// `infergrid chain request-withdrawal | withdraw`: taking ledger balance out through the vault
// (deploy/readme/chain.md, "Withdrawals"), in two steps around an epoch close:
//   infergrid chain request-withdrawal AMOUNT --rpc URL --vault 0x… --key FILE [--from IDENTITY] [node options]
//       signs a withdrawal statement for the chain the RPC node serves with the account's chain key
//       and sends it to the settlement actor, which books it (the amount leaves the account's ledger
//       balance at once); --from takes it from a node identity bound to the wallet instead (its
//       earnings), for the same wallet
//   infergrid chain withdraw --rpc URL --vault 0x… --key FILE [node options]
//       asks the settlement actor for the account's Merkle proof in the last closed epoch, finds a
//       recent epoch the vault anchored with the same balances root whose challenge window has
//       passed, and calls SettlementVault.withdraw: the vault pays what the epoch grants beyond
//       what the account withdrew before (a second call, or a larger amount, the vault refuses)
// Node options reach the node hosting the settlement actor: --config, --endpoint, --node,
// --server-key, --transport-key, --settlement (the actor's name, default settlement).
#include "actors/cli/chain_withdraw_command.hpp"

#include <array>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/cli/node_client.hpp"
#include "actors/cli/random_op_id.hpp"
#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/vault_calls.hpp"
#include "actors/settlement/chain/withdrawal_statement.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "messages/chain_withdrawal.hpp"
#include "messages/ledger.hpp"
#include "runtime/identity.hpp"

namespace infergrid::cli {
namespace {

using namespace infergrid::chain;

struct withdraw_args {
  std::string rpc = "http://127.0.0.1:8545";
  std::string vault;
  std::string key_file;
  std::string amount;
  std::string op_id;
  std::string from;  // the ledger account to withdraw from: the wallet's 0x account, or a node identity bound to it
  node_target node;
  std::string settlement = "settlement";
  std::int64_t timeout_ms = 10000;
};

// Sends `message` to the settlement actor and returns its reply.
template <class Reply, class Message>
result<Reply> ask_settlement(const withdraw_args& args, const Message& message) {
  auto connected = connect_to_node(args.node, "chain-cli");
  if (!connected.ok()) return connected.err();
  return connected->client->template call<Reply>(connected->target_node + "/" + args.settlement, message, args.timeout_ms);
}

status request_withdrawal(const withdraw_args& args) {
  auto vault = address_from_hex(args.vault);
  if (!vault.ok()) return vault.err();
  auto key = read_chain_key_file(args.key_file);
  if (!key.ok()) return key.err();
  auto amount = ledger::parse_amount(args.amount);
  if (!amount.ok()) return amount.err();
  if (*amount <= 0) return make_error(error_code::invalid_argument, "the amount must be positive");
  const std::string op_id = args.op_id.empty() ? random_op_id("cli-") : args.op_id;
  const std::string account = args.from.empty() ? to_hex_0x(key->chain_address()) : args.from;
  chain_client client(args.rpc);
  auto chain_id = client.chain_id();  // the statement names the chain
  if (!chain_id.ok()) return chain_id.err();
  const chain_withdrawal_request request{op_id, account, *amount,
                                         sign_withdrawal(*key, *chain_id, *vault, static_cast<std::uint64_t>(*amount), op_id)};
  auto ack = ask_settlement<ledger_ack>(args, request);
  if (!ack.ok()) return ack.err();
  fmt::print("withdrawal of {} tokens by {} booked in ledger entry {}{} (op id {}); the next anchored epoch grants it: "
             "then `infergrid chain withdraw`\n",
             ledger::format_amount(*amount), account, ack->seq, ack->replayed ? ", already" : "", op_id);
  return {};
}

// The newest anchored epoch, of the last anchored_epochs_scanned, whose balances root is the proof's
// and whose challenge window has passed: the proof's own epoch, or another — the tree is the same
// while no withdrawal is booked, so the proof holds there too. Sets granted.chain_epoch to it.
constexpr std::uint64_t anchored_epochs_scanned = 64;

status choose_anchored_epoch(chain_client& client, const address& vault, chain_withdrawal_proof& granted) {
  auto latest = read_u64(client, vault, vault_call::latest_epoch());
  if (!latest.ok()) return latest.err();
  auto now = client.block_timestamp();
  if (!now.ok()) return now.err();
  std::optional<std::pair<std::uint64_t, std::uint64_t>> still_open;  // epoch, withdrawable_at
  for (std::uint64_t epoch = *latest; epoch >= 1 && *latest - epoch < anchored_epochs_scanned; --epoch) {
    auto anchor = read_anchor(client, vault, epoch);
    if (!anchor.ok()) return anchor.err();
    if (std::vector<std::uint8_t>(anchor->balances_root.begin(), anchor->balances_root.end()) != granted.balances_root) continue;
    if (*now >= anchor->withdrawable_at_seconds) {
      granted.chain_epoch = epoch;
      return {};
    }
    if (!still_open) still_open.emplace(epoch, anchor->withdrawable_at_seconds);
  }
  if (still_open) {
    return make_error(error_code::unavailable, fmt::format("the challenge window of epoch {} is open for {} more seconds",
                                                           still_open->first, still_open->second - *now));
  }
  if (*latest < granted.chain_epoch) {
    return make_error(error_code::unavailable, fmt::format("epoch {} is not anchored on the vault yet (its latest is {}); try "
                                                           "again once the settlement actor has anchored it",
                                                           granted.chain_epoch, *latest));
  }
  return make_error(error_code::conflict, fmt::format("no epoch anchored on the vault holds the balances root the ledger "
                                                      "proves against (epoch {}): not withdrawing", granted.chain_epoch));
}

status withdraw(const withdraw_args& args) {
  auto vault = address_from_hex(args.vault);
  if (!vault.ok()) return vault.err();
  auto key = read_chain_key_file(args.key_file);
  if (!key.ok()) return key.err();
  const std::string account = to_hex_0x(key->chain_address());
  auto granted = ask_settlement<chain_withdrawal_proof>(args, chain_withdrawal_proof_query{account});
  if (!granted.ok()) return granted.err();
  chain_client client(args.rpc);
  if (auto chosen = choose_anchored_epoch(client, *vault, *granted); !chosen.ok()) return chosen.err();
  std::vector<word> proof;
  for (const auto& sibling : granted->proof) {
    if (sibling.size() != 32) return make_error(error_code::malformed_input, "the settlement actor sent a malformed proof");
    proof.emplace_back();
    std::copy(sibling.begin(), sibling.end(), proof.back().begin());
  }
  auto before = read_u64(client, *vault, vault_call::withdrawn_of(key->chain_address()));
  if (!before.ok()) return before.err();
  auto receipt = client.send(*key, *vault,
                             vault_call::withdraw(granted->chain_epoch, static_cast<std::uint64_t>(granted->cumulative_micro), proof));
  if (!receipt.ok()) return receipt.err();
  fmt::print("withdrew {} tokens to {} (epoch {} grants {} in all): transaction {} in block {} ({} gas)\n",
             ledger::format_amount(granted->cumulative_micro - static_cast<std::int64_t>(*before)), account,
             granted->chain_epoch, ledger::format_amount(granted->cumulative_micro), to_hex_0x(receipt->transaction_hash),
             receipt->block_number, receipt->gas_used);
  return {};
}

void report(const char* what, const status& outcome) {
  if (!outcome.ok()) fmt::print(stderr, "chain {}: {}\n", what, outcome.err().message);
  set_exit_code(outcome.ok() ? 0 : 1);
}

void add_node_options(CLI::App* sub, withdraw_args& args) {
  sub->add_option("--vault", args.vault, "the SettlementVault's address (0x…)")->required();
  sub->add_option("--key", args.key_file, "file with the account's secp256k1 secret (hex)")->required();
  sub->add_option("--config", args.node.config, "config of the node hosting the settlement actor (default deploy/all-in-one.yaml)");
  sub->add_option("--endpoint", args.node.endpoint, "tcp://host:port of that node (overrides the config)");
  sub->add_option("--node", args.node.node_name, "its name (overrides the config)");
  sub->add_option("--server-key", args.node.server_key, "its CurveZMQ public key when reached by --endpoint under curve");
  sub->add_option("--transport-key", args.node.transport_key, "with --server-key: the transport.key to connect with");
  sub->add_option("--settlement", args.settlement, "the settlement actor's name")->capture_default_str();
  sub->add_option("--timeout-ms", args.timeout_ms, "how long to wait for the settlement actor")->capture_default_str();
}

}  // namespace

void add_chain_withdraw_commands(CLI::App& chain) {
  auto args = std::make_shared<withdraw_args>();
  auto* request = chain.add_subcommand("request-withdrawal",
                                       "move ledger balance out: the next anchored epoch lets `chain withdraw` take it");
  add_node_options(request, *args);
  request->add_option("amount", args->amount, "tokens (\"12.5\") or micro-units (\"12500000u\")")->required();
  request->add_option("--op-id", args->op_id, "idempotency key (default random; reuse it to retry safely)");
  request->add_option("--from", args->from,
                      "the ledger account to take it from: a node identity (hex) bound to this wallet — a miner's or "
                      "validator's earnings (default: the wallet's own 0x account)");
  request->add_option("--rpc", args->rpc, "the EVM node's JSON-RPC endpoint (the statement names its chain id)")
      ->capture_default_str();
  request->callback([args] { report("request-withdrawal", request_withdrawal(*args)); });
  auto* take = chain.add_subcommand("withdraw", "take what the last anchored epoch grants, with its Merkle proof");
  add_node_options(take, *args);
  take->add_option("--rpc", args->rpc, "the EVM node's JSON-RPC endpoint")->capture_default_str();
  take->callback([args] { report("withdraw", withdraw(*args)); });
}

}  // namespace infergrid::cli
