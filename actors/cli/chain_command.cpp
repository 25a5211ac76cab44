// `infergrid chain ...`: the SettlementVault from a wallet's side (deploy/readme/chain.md) — read its
// state, and deposit, stake, unbond or withdraw unbonded tokens with an EVM key. Every mutation is
// one or two signed EIP-1559 transactions (an ERC-20 approve, then the vault call) sent through the
// same C++ chain client the settlement actor uses; the actor's chain bridge books them once they are
// confirmed.
//   infergrid chain status   --rpc URL --vault 0x… [--account 0x…]   head, pool, latest epoch; an account's stake
//   infergrid chain deposit  AMOUNT --rpc URL --vault 0x… --key FILE  approve + deposit (developer balance)
//   infergrid chain stake    AMOUNT --role miner|validator …          approve + stake
//   infergrid chain unbond   AMOUNT …                                 starts the unbonding delay
//   infergrid chain withdraw-unbonded …                               takes back what finished unbonding
//   infergrid chain request-withdrawal | withdraw …                    ledger balance out (chain_withdraw_command.cpp)
//   infergrid chain deploy --rpc URL --key FILE [--token 0x…] [--out F] the token and vault (chain_deploy_command.cpp)
//   infergrid chain bind --identity signing.key --key FILE …          a node's identity to the wallet (chain_bind_command.cpp)
// AMOUNT as the ledger takes it: tokens with up to six decimals ("12.5") or micro-units ("12500000u").
// FILE holds the account's secp256k1 secret as hex (0x optional); it is never printed.
#include <fmt/format.h>

#include "actors/cli/chain_bind_command.hpp"
#include "actors/cli/chain_deploy_command.hpp"
#include "actors/cli/chain_withdraw_command.hpp"
#include "actors/cli/command_registry.hpp"
#include "actors/cli/log_level_option.hpp"
#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/token_units.hpp"
#include "actors/settlement/chain/vault_calls.hpp"
#include "actors/settlement/ledger/amount.hpp"

namespace infergrid::cli {
namespace {

using namespace infergrid::chain;

struct chain_args {
  std::string rpc = "http://127.0.0.1:8545";
  std::string vault;
  std::string key_file;
  std::string account;
  std::string amount;
  std::string role = "miner";
};

int fail(const std::string& what, const error& e) {
  fmt::print(stderr, "chain {}: {}\n", what, e.message);
  return 1;
}

int status(const chain_args& args) {
  chain_client client(args.rpc);
  auto vault = address_from_hex(args.vault);
  if (!vault.ok()) return fail("status", vault.err());
  auto id = client.chain_id();
  if (!id.ok()) return fail("status", id.err());
  auto head = client.block_number();
  if (!head.ok()) return fail("status", head.err());
  fmt::print("chain {} at {}: head block {}\n", *id, args.rpc, *head);
  auto pool = read_u64(client, *vault, vault_call::pool());
  auto epoch = read_u64(client, *vault, vault_call::latest_epoch());
  if (!pool.ok()) return fail("status", pool.err());
  if (!epoch.ok()) return fail("status", epoch.err());
  fmt::print("vault {}: pool {} tokens, latest anchored epoch {}\n", args.vault, ledger::format_amount(static_cast<std::int64_t>(*pool)), *epoch);
  if (*epoch > 0) {
    // Chain epoch N anchors the ledger's closed epoch N - 1 (`infergrid ledger epochs` lists its root).
    auto anchor = read_anchor(client, *vault, *epoch);
    if (!anchor.ok()) return fail("status", anchor.err());
    fmt::print("epoch {} anchor (ledger epoch {}): ledger root {}, balances root {}, withdrawable from unix time {}\n", *epoch,
               *epoch - 1, to_hex_0x(anchor->ledger_root), to_hex_0x(anchor->balances_root), anchor->withdrawable_at_seconds);
  }
  if (args.account.empty()) return 0;
  auto account = address_from_hex(args.account);
  if (!account.ok()) return fail("status", account.err());
  auto token = read_address(client, *vault, vault_call::token());
  if (!token.ok()) return fail("status", token.err());
  auto scale = read_token_scale(client, *vault);
  if (!scale.ok()) return fail("status", scale.err());
  auto wallet_units = read_word(client, *token, token_call::balance_of(*account));
  if (!wallet_units.ok()) return fail("status", wallet_units.err());
  auto wallet = micro_floor_of_token_units(*wallet_units, *scale);  // dust below a micro-unit is not shown
  auto staked = read_u64(client, *vault, vault_call::staked_of(*account));
  auto unbonding = read_u64(client, *vault, vault_call::unbonding_of(*account));
  for (const auto* got : {&wallet, &staked, &unbonding}) {
    if (!got->ok()) return fail("status", got->err());
  }
  fmt::print("account {}: wallet {} tokens, staked {}, unbonding {}\n", args.account,
             ledger::format_amount(static_cast<std::int64_t>(*wallet)), ledger::format_amount(static_cast<std::int64_t>(*staked)),
             ledger::format_amount(static_cast<std::int64_t>(*unbonding)));
  return 0;
}

// Sends the vault call that `what` names (after approving `approve_micro` of the token if non-zero).
int send(const chain_args& args, const std::string& what, std::uint64_t approve_micro, const bytes& call_data) {
  chain_client client(args.rpc);
  auto vault = address_from_hex(args.vault);
  if (!vault.ok()) return fail(what, vault.err());
  auto key = read_chain_key_file(args.key_file);
  if (!key.ok()) return fail(what, key.err());
  if (approve_micro > 0) {
    auto token = read_address(client, *vault, vault_call::token());
    if (!token.ok()) return fail(what, token.err());
    auto scale = read_token_scale(client, *vault);
    if (!scale.ok()) return fail(what, scale.err());
    auto approved = client.send(*key, *token, token_call::approve(*vault, token_units(approve_micro, *scale)));
    if (!approved.ok()) return fail(what + " (approve)", approved.err());
  }
  auto receipt = client.send(*key, *vault, call_data);
  if (!receipt.ok()) return fail(what, receipt.err());
  fmt::print("{}: transaction {} in block {} ({} gas) from {}\n", what, to_hex_0x(receipt->transaction_hash),
             receipt->block_number, receipt->gas_used, to_hex_0x(key->chain_address()));
  return 0;
}

result<std::uint64_t> amount_of(const chain_args& args) {
  auto amount = ledger::parse_amount(args.amount);
  if (!amount.ok()) return amount.err();
  if (*amount <= 0) return make_error(error_code::invalid_argument, "the amount must be positive");
  return static_cast<std::uint64_t>(*amount);
}

void add_chain(CLI::App& app) {
  auto args = std::make_shared<chain_args>();
  auto* chain = app.add_subcommand("chain", "The on-chain SettlementVault: deploy, status, bind, deposit, stake, unbond, withdraw-unbonded, request-withdrawal, withdraw");
  set_default_log_level(*chain, log_level::warn);  // asks the chain and prints: info lines are noise
  chain->require_subcommand(1);
  auto common = [&](CLI::App* sub, bool signs) {
    sub->add_option("--rpc", args->rpc, "the EVM node's JSON-RPC endpoint")->capture_default_str();
    sub->add_option("--vault", args->vault, "the SettlementVault's address (0x…)")->required();
    if (signs) sub->add_option("--key", args->key_file, "file with the account's secp256k1 secret (hex)")->required();
  };
  auto* show = chain->add_subcommand("status", "head block, the vault's pool and latest anchored epoch; --account: its stake");
  common(show, false);
  show->add_option("--account", args->account, "an address whose wallet balance, stake and unbonding to show");
  show->callback([args] { set_exit_code(status(*args)); });

  auto amount_command = [&](const char* name, const char* help) {
    auto* sub = chain->add_subcommand(name, help);
    common(sub, true);
    sub->add_option("amount", args->amount, "tokens (\"12.5\") or micro-units (\"12500000u\")")->required();
    return sub;
  };
  amount_command("deposit", "approve and deposit tokens: the ledger books them to the account's developer balance")
      ->callback([args] {
        auto amount = amount_of(*args);
        set_exit_code(amount.ok() ? send(*args, "deposit", *amount, vault_call::deposit(*amount)) : fail("deposit", amount.err()));
      });
  auto* stake = amount_command("stake", "approve and stake tokens as a miner or validator");
  stake->add_option("--role", args->role, "miner or validator")->check(CLI::IsMember({"miner", "validator"}))->capture_default_str();
  stake->callback([args] {
    auto amount = amount_of(*args);
    const auto role = args->role == "validator" ? stake_role::validator : stake_role::miner;
    set_exit_code(amount.ok() ? send(*args, "stake", *amount, vault_call::stake(role, *amount)) : fail("stake", amount.err()));
  });
  amount_command("unbond", "start unbonding staked tokens (withdrawable after the vault's delay)")->callback([args] {
    auto amount = amount_of(*args);
    set_exit_code(amount.ok() ? send(*args, "unbond", 0, vault_call::unbond(*amount)) : fail("unbond", amount.err()));
  });
  auto* withdraw = chain->add_subcommand("withdraw-unbonded", "take back the tokens whose unbonding delay has passed");
  common(withdraw, true);
  withdraw->callback([args] { set_exit_code(send(*args, "withdraw-unbonded", 0, vault_call::withdraw_unbonded())); });
  add_chain_withdraw_commands(*chain);
  add_chain_deploy_command(*chain);
  add_chain_bind_command(*chain);
}

}  // namespace

IG_REGISTER_COMMAND(add_chain);

}  // namespace infergrid::cli
