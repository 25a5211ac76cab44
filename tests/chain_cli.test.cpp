// `infergrid chain` against a local anvil node with the vault deployed (tests/support/vault_devnet):
// the real binary deposits, stakes and unbonds with a key file, and the chain's state afterwards is
// exactly what was asked; `status` prints it; a bad key file, a zero amount and a node that is down
// are clear errors with exit code 1 (deploy/readme/chain.md, "Command line"). `chain deploy` on a
// bare node puts a token and a vault there that `status` reads and its deployment file names. `chain
// bind` ties a node's identity to a wallet once.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "actors/settlement/chain/chain_client.hpp"
#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/vault_calls.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"
#include "runtime/identity.hpp"
#include "tests/child_process.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
constexpr std::uint64_t token = 1'000'000;

struct cli_run {
  int exit_code = -1;
  std::string output;
};

cli_run run_chain_cli(std::vector<std::string> arguments) {
  const std::string dir = make_temp_dir();
  arguments.insert(arguments.begin(), {infergrid_binary(), "chain"});
  child_process cli(arguments, dir + "/cli.log");
  const auto code = cli.wait_exit(std::chrono::seconds(60));
  return {code.value_or(-1), cli.log()};
}

std::string key_file(const chain_key& key) {
  const std::string path = make_temp_dir() + "/wallet.key";
  write_file(path, to_hex_0x(key.secret()) + "\n");
  return path;
}

TEST(ChainCli, DepositsStakesUnbondsAndShowsTheVault) {
  auto started = vault_devnet::start();
  ASSERT_TRUE(started.ok()) << started.err().message;
  auto& net = **started;
  const chain_key wallet = chain_key::generate();
  ASSERT_TRUE(net.fund(wallet, 100 * token).ok());
  const std::string rpc = net.node->endpoint();
  const std::string vault = to_hex_0x(net.vault);
  const std::string key = key_file(wallet);

  auto deposited = run_chain_cli({"deposit", "12.5", "--rpc", rpc, "--vault", vault, "--key", key});
  ASSERT_EQ(deposited.exit_code, 0) << deposited.output;
  EXPECT_NE(deposited.output.find("deposit: transaction 0x"), std::string::npos) << deposited.output;
  auto staked = run_chain_cli({"stake", "30", "--role", "miner", "--rpc", rpc, "--vault", vault, "--key", key});
  ASSERT_EQ(staked.exit_code, 0) << staked.output;
  auto unbonded = run_chain_cli({"unbond", "5000000u", "--rpc", rpc, "--vault", vault, "--key", key});
  ASSERT_EQ(unbonded.exit_code, 0) << unbonded.output;

  // A view's value, or a failure naming what could not be read.
  auto read = [](const result<std::uint64_t>& got) {
    EXPECT_TRUE(got.ok()) << (got.ok() ? "" : got.err().message);
    return got.ok() ? *got : 0;
  };
  EXPECT_EQ(read(net.token_balance(wallet.chain_address())), 100 * token - 12'500'000 - 30 * token);
  EXPECT_EQ(read(net.view_u64(net.vault, vault_call::pool())), 12'500'000u);
  EXPECT_EQ(read(net.view_u64(net.vault, vault_call::staked_of(wallet.chain_address()))), 25 * token);
  EXPECT_EQ(read(net.view_u64(net.vault, vault_call::unbonding_of(wallet.chain_address()))), 5 * token);

  auto shown = run_chain_cli({"status", "--rpc", rpc, "--vault", vault, "--account", to_hex_0x(wallet.chain_address())});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("pool 12.500000 tokens, latest anchored epoch 0"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find("wallet 57.500000 tokens, staked 25.000000, unbonding 5.000000"), std::string::npos)
      << shown.output;
}

// The address after `label` ("vault 0x…") in the CLI's output, or "" when it is not there.
std::string printed_address(const std::string& output, const std::string& label) {
  const std::size_t at = output.find(label + " 0x");
  return at == std::string::npos ? std::string() : output.substr(at + label.size() + 1, 42);
}

TEST(ChainCli, DeploysAVaultThatStatusReads) {
  auto node = anvil_node::start();
  ASSERT_TRUE(node.ok()) << node.err().message;
  const std::string rpc = (*node)->endpoint();
  chain_client client(rpc);
  const chain_key deployer = chain_key::generate();
  const chain_key operator_key = chain_key::generate();
  ASSERT_TRUE(client.rpc().call("anvil_setBalance", nlohmann::json::array({to_hex_0x(deployer.chain_address()), "0x56bc75e2d63100000"})).ok());
  const std::string out = make_temp_dir() + "/deployment.yaml";

  auto deployed = run_chain_cli({"deploy", "--rpc", rpc, "--key", key_file(deployer), "--operator",
                                 to_hex_0x(operator_key.chain_address()), "--out", out, "--tools", chain_tools_dir()});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.output;
  std::cout << deployed.output;  // the gas of both deployments, for deploy/readme/chain.md
  const std::string vault = printed_address(deployed.output, "vault");
  const std::string token = printed_address(deployed.output, "token");
  ASSERT_EQ(vault.size(), 42u) << deployed.output;
  ASSERT_EQ(token.size(), 42u) << deployed.output;
  EXPECT_NE(deployed.output.find("(TestToken,"), std::string::npos) << deployed.output;
  auto record = read_vault_deployment_file(out);
  ASSERT_TRUE(record.ok()) << record.err().message;
  EXPECT_EQ(to_hex_0x(record->deployment.vault), vault);
  EXPECT_EQ(to_hex_0x(record->deployment.token), token);
  EXPECT_EQ(record->endpoint, rpc);
  EXPECT_TRUE(record->deployment.token_deployed);
  EXPECT_EQ(record->deployment.chain_id, *client.chain_id());

  auto shown = run_chain_cli({"status", "--rpc", rpc, "--vault", vault});
  ASSERT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("vault " + vault + ": pool 0.000000 tokens, latest anchored epoch 0"), std::string::npos)
      << shown.output;
  auto vault_address = address_from_hex(vault);
  ASSERT_TRUE(vault_address.ok());
  auto vault_token = read_address(client, *vault_address, vault_call::token());
  ASSERT_TRUE(vault_token.ok()) << vault_token.err().message;
  EXPECT_EQ(to_hex_0x(*vault_token), token);

  // A second vault over the same token; a token that is not on the chain is refused.
  auto again = run_chain_cli({"deploy", "--rpc", rpc, "--key", key_file(deployer), "--token", token, "--tools", chain_tools_dir()});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("token " + token + " (existing)"), std::string::npos) << again.output;
  EXPECT_NE(printed_address(again.output, "vault"), vault) << again.output;
  auto nowhere = run_chain_cli({"deploy", "--rpc", rpc, "--key", key_file(deployer), "--token",
                                to_hex_0x(chain_key::generate().chain_address()), "--tools", chain_tools_dir()});
  EXPECT_EQ(nowhere.exit_code, 1) << nowhere.output;
  EXPECT_NE(nowhere.output.find("has no code on this chain"), std::string::npos) << nowhere.output;
}

TEST(ChainCli, BadInputAndADownNodeAreClearErrors) {
  auto started = vault_devnet::start();
  ASSERT_TRUE(started.ok()) << started.err().message;
  auto& net = **started;
  const std::string rpc = net.node->endpoint();
  const std::string vault = to_hex_0x(net.vault);
  const std::string garbage = make_temp_dir() + "/garbage.key";
  write_file(garbage, "not a key\n");
  auto bad_key = run_chain_cli({"deposit", "1", "--rpc", rpc, "--vault", vault, "--key", garbage});
  EXPECT_EQ(bad_key.exit_code, 1);
  EXPECT_NE(bad_key.output.find("holds no secp256k1 secret"), std::string::npos) << bad_key.output;
  EXPECT_EQ(bad_key.output.find("not a key"), std::string::npos) << "the secret file's text is never printed";
  auto zero = run_chain_cli({"deposit", "0", "--rpc", rpc, "--vault", vault, "--key", key_file(chain_key::generate())});
  EXPECT_EQ(zero.exit_code, 1);
  EXPECT_NE(zero.output.find("must be positive"), std::string::npos) << zero.output;
  auto poor = run_chain_cli({"deposit", "1", "--rpc", rpc, "--vault", vault, "--key", key_file(chain_key::generate())});
  EXPECT_EQ(poor.exit_code, 1) << poor.output;  // no ether for gas, no tokens: the node's reason is printed
  EXPECT_NE(poor.output.find("chain deposit"), std::string::npos) << poor.output;
  net.node->stop();
  auto down = run_chain_cli({"status", "--rpc", rpc, "--vault", vault});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.output.find("chain status:"), std::string::npos) << down.output;
}

// `chain bind` ties the identity `infergrid keygen` wrote to the wallet on the vault, once: again with
// the same identity is a no-op that says so, another identity or a wallet that already staked is a
// clear error with exit code 1 — before any gas is spent where the vault's state already tells.
TEST(ChainCli, BindsANodeIdentityToAWalletOnce) {
  auto started = vault_devnet::start();
  ASSERT_TRUE(started.ok()) << started.err().message;
  auto& net = **started;
  const std::string rpc = net.node->endpoint();
  const std::string vault = to_hex_0x(net.vault);
  const auto keygen = [] {
    const std::string dir = make_temp_dir() + "/node-keys";
    child_process made({infergrid_binary(), "keygen", "--out", dir}, make_temp_dir() + "/keygen.log");
    EXPECT_EQ(made.wait_exit(std::chrono::seconds(30)).value_or(-1), 0) << made.log();
    return dir;
  };
  const std::string node_keys = keygen();
  const chain_key wallet = chain_key::generate();
  ASSERT_TRUE(net.fund(wallet, 10 * token).ok());
  const std::string key = key_file(wallet);
  const auto bind = [&](const std::string& identity_dir, const std::string& wallet_key) {
    return run_chain_cli({"bind", "--identity", identity_dir + "/signing.key", "--key", wallet_key, "--rpc", rpc, "--vault", vault});
  };

  auto bound = bind(node_keys, key);
  ASSERT_EQ(bound.exit_code, 0) << bound.output;
  std::string public_hex;
  std::ifstream(node_keys + "/signing.pub") >> public_hex;
  EXPECT_NE(bound.output.find("wallet " + to_hex_0x(wallet.chain_address()) + " is node " + public_hex), std::string::npos)
      << bound.output;
  chain_client client(rpc);
  auto on_chain = read_word(client, net.vault, vault_call::identity_of(wallet.chain_address()));
  ASSERT_TRUE(on_chain.ok()) << on_chain.err().message;
  EXPECT_EQ(infergrid::to_hex(*on_chain), public_hex);

  auto again = bind(node_keys, key);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already bound"), std::string::npos) << again.output;
  auto other = bind(keygen(), key);
  EXPECT_EQ(other.exit_code, 1) << other.output;
  EXPECT_NE(other.output.find("is already bound to node " + public_hex), std::string::npos) << other.output;

  const chain_key staker = chain_key::generate();
  ASSERT_TRUE(net.fund(staker, 10 * token).ok());
  const std::string staker_key = key_file(staker);
  ASSERT_EQ(run_chain_cli({"stake", "5", "--rpc", rpc, "--vault", vault, "--key", staker_key}).exit_code, 0);
  auto late = bind(keygen(), staker_key);
  EXPECT_EQ(late.exit_code, 1) << late.output;
  EXPECT_NE(late.output.find("bind the identity before staking"), std::string::npos) << late.output;
  auto missing = bind("/nonexistent", key);
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("--identity /nonexistent/signing.key"), std::string::npos) << missing.output;
}

}  // namespace
}  // namespace infergrid::testing
