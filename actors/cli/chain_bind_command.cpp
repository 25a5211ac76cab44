// `infergrid chain bind --identity signing.key --key wallet.key --rpc URL --vault 0x…`: binds a
// node's Ed25519 identity (the signing.key `infergrid keygen` wrote) to a wallet on the vault
// (deploy/readme/chain.md, "Identities"). The node key signs the statement naming the chain, the
// vault and the wallet; the wallet sends SettlementVault.bindIdentity with it. Afterwards the chain
// bridge books the wallet's stakes to the node's ledger account — the account its receipts are paid
// to and the stake gate asks about. Once per wallet, before its first stake: the vault refuses a
// second binding or one after staking, and this command says so before spending gas.
#include "actors/cli/chain_bind_command.hpp"

#include <memory>

#include <fmt/format.h>

#include "actors/cli/command_registry.hpp"
#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/chain_key_file.hpp"
#include "actors/settlement/chain/identity_binder.hpp"
#include "runtime/identity.hpp"

namespace infergrid::cli {
namespace {

using namespace infergrid::chain;

struct bind_args {
  std::string rpc = "http://127.0.0.1:8545";
  std::string vault;
  std::string key_file;
  std::string identity_file;
};

result<std::string> bind(const bind_args& args) {
  auto vault = address_from_hex(args.vault);
  if (!vault.ok()) return vault.err();
  auto wallet = read_chain_key_file(args.key_file);
  if (!wallet.ok()) return wallet.err();
  auto node = identity::load(args.identity_file);
  if (!node.ok()) return make_error(node.err().code, "--identity " + args.identity_file + ": " + node.err().message);
  chain_client client(args.rpc);
  auto chain_id = client.chain_id();
  if (!chain_id.ok()) return chain_id.err();
  const address account = wallet->chain_address();
  auto sent = bind_identity_once(client, *vault, *chain_id, *wallet, *node);
  if (!sent.ok()) return sent.err();
  if (!sent->has_value()) return "already bound: wallet " + to_hex_0x(account) + " is node " + to_hex(node->public_id());
  const transaction_receipt& receipt = **sent;
  return fmt::format("bind: transaction {} in block {} ({} gas): wallet {} is node {}; its stakes are booked to that node's account",
                     to_hex_0x(receipt.transaction_hash), receipt.block_number, receipt.gas_used, to_hex_0x(account),
                     to_hex(node->public_id()));
}

}  // namespace

void add_chain_bind_command(CLI::App& chain) {
  auto args = std::make_shared<bind_args>();
  auto* sub = chain.add_subcommand("bind", "bind a node's Ed25519 identity to a wallet on the vault (once, before the wallet stakes)");
  sub->add_option("--rpc", args->rpc, "the EVM node's JSON-RPC endpoint")->capture_default_str();
  sub->add_option("--vault", args->vault, "the SettlementVault's address (0x…)")->required();
  sub->add_option("--key", args->key_file, "file with the wallet's secp256k1 secret (hex)")->required();
  sub->add_option("--identity", args->identity_file, "the node's signing.key (`infergrid keygen --out DIR`)")->required();
  sub->callback([args] {
    auto said = bind(*args);
    if (said.ok()) fmt::print("{}\n", *said);
    else fmt::print(stderr, "chain bind: {}\n", said.err().message);
    set_exit_code(said.ok() ? 0 : 1);
  });
}

}  // namespace infergrid::cli
