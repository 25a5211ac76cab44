// A conviction executed on-chain and off-chain by the same amount (deploy/readme/chain.md, "Slashing
// on-chain"), with the real binary: one `infergrid node` hosting settlement (chain bridge + operator
// key), the matchmaker, three validators with chain keys and a cheating stories260k worker
// (random_tokens, INFERGRID_TEST_CHEATS=1), and the HTTP bridge, on a local anvil node. The miner and
// the validators bind their node identities to their chain wallets and stake on the vault (the
// miner also has stake unbonding); the developer deposits there. One completion over HTTP is
// audited by all three validators, whose verdicts convict the miner in the ledger while the chain
// node is down; the ledger forfeits nothing yet. Settlement stops (its slash book set back as if it
// had stopped before marking the conviction); the chain comes back, the miner's unbonding matures
// and the miner withdraws it before the slash executes — the race that used to leave the ledger's
// forfeit larger than the vault's. Settlement restarts, the vault slashes the miner exactly once on
// what is still bonded, and the ledger books exactly that forfeit and split; a restart and a full
// reread of the chain change nothing, and `ledger verify` passes with the supply equal to the
// vault's tokens.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "actors/settlement/chain/contract_views.hpp"
#include "actors/settlement/chain/identity_binder.hpp"
#include "actors/settlement/chain/identity_binding.hpp"
#include "actors/settlement/chain/vault_deployment_file.hpp"
#include "actors/settlement/chain/vault_events.hpp"
#include "actors/settlement/ledger/amount.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "runtime/identity.hpp"
#include "tests/child_process.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/http_health.hpp"
#include "tests/support/vault_devnet.hpp"

namespace infergrid::testing {
namespace {

using namespace infergrid::chain;
using json = nlohmann::json;
using ledger::testing::run_cli;
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr std::int64_t token = 1'000'000;
constexpr std::int64_t miner_stake = 200 * token;
constexpr std::int64_t validator_stake = 100 * token;

// A node identity (its seed in a file, as `identity_file` reads it) and its chain wallet.
struct party {
  std::string name;
  identity node;
  chain_key wallet = chain_key::generate();
  std::string account() const { return to_hex(node.public_id()); }
};

party make_party(const std::string& dir, const std::string& name) {
  auto node = identity::load_or_create(dir + "/" + name + ".identity");
  EXPECT_TRUE(node.ok()) << node.err().message;
  party p{name, std::move(*node)};
  write_file(dir + "/" + name + ".chain.key", to_hex_0x(p.wallet.secret()) + "\n");
  return p;
}

class ChainSlash : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::setenv("INFERGRID_TEST_CHEATS", "1", 1), 0);  // the worker's `cheat` setting
    for (const char* name : {"validator-1", "validator-2", "validator-3"}) voters.push_back(make_party(dir, name));
    auto started = vault_devnet::start();
    ASSERT_TRUE(started.ok()) << started.err().message;
    net = std::move(*started);
    ASSERT_TRUE(net->fund(net->operator_key, 0).ok());
    write_file(dir + "/operator.key", to_hex_0x(net->operator_key.secret()) + "\n");
    ASSERT_TRUE(write_vault_deployment_file(dir + "/deployment.yaml",
                                            vault_deployment_record{net->node->endpoint(),
                                                                    vault_deployment{net->chain_id, net->token, true,
                                                                                     net->vault, 0, 0, 0}})
                    .ok());
    write_file(dir + "/keys.yaml", "accounts:\n  - {name: dev, keys: [sk-dev], account: '" +
                                       to_hex_0x(developer.chain_address()) + "'}\n");
    http_port = compute_testing::free_port();
    node_port = compute_testing::free_port();
  }
  void TearDown() override { stop_grid(); }

  // Binds the party's identity to its wallet, then stakes: the ledger books the stake to the identity.
  void bind_and_stake(const party& p, stake_role role, std::int64_t amount_micro) {
    ASSERT_TRUE(net->fund(p.wallet, static_cast<std::uint64_t>(amount_micro)).ok());
    const word key = identity_key_word(p.node);
    const bytes statement = sign_identity_binding(p.node, net->chain_id, net->vault, p.wallet.chain_address());
    ASSERT_TRUE(net->client->send(p.wallet, net->vault, vault_call::bind_identity(key, statement)).ok());
    ASSERT_TRUE(net->client->send(p.wallet, net->vault, vault_call::stake(role, static_cast<std::uint64_t>(amount_micro))).ok());
  }

  std::string config() const {
    std::string validators;
    std::string actors;
    for (const party& v : voters) {
      validators += (validators.empty() ? "" : ", ") + v.name;
      actors += "  - name: " + v.name + "\n    kind: validator\n    settings: {model_path: \"" +
                compute_testing::stories260k_model_path() + "\", context_size: 512, audit_rate: 1.0, identity_file: " +
                dir + "/" + v.name + ".identity, chain_key: " + dir + "/" + v.name + ".chain.key, chain_deployment: " +
                dir + "/deployment.yaml}\n";
    }
    const std::string path = dir + "/node.yaml";
    write_file(path,
               "node: {name: slashy, bind: 'tcp://127.0.0.1:" + std::to_string(node_port) + "'}\n"
               "security: {transport: plaintext}\n"
               "limits: {drain_timeout_ms: 3000}\n"
               "actors:\n"
               "  - name: settlement\n"
               "    kind: settlement\n"
               "    settings: {db: " + db + ", chain_endpoint: '" + net->node->endpoint() + "', chain_vault: '" +
               to_hex_0x(net->vault) + "', chain_confirmations: 0, chain_poll_interval_ms: 100, chain_retry_max_ms: 800, "
               "chain_operator_key: " + dir + "/operator.key}\n"
               "  - name: matchmaker\n"
               "    kind: matchmaker\n"
               "    settings: {receipts_to: settlement, validators: [" + validators + "]}\n"
               "  - name: worker\n"
               "    kind: gpu_worker\n"
               "    settings: {model_path: \"" + compute_testing::stories260k_model_path() +
               "\", slots: 2, context_size: 512, cheat: random_tokens, identity_file: " + dir + "/miner.identity}\n"
               "  - name: http\n"
               "    kind: http_bridge\n"
               "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + dir +
               "/keys.yaml, settlement: settlement}\n" + actors);
    return path;
  }
  void start_grid() {
    grid = std::make_unique<child_process>(std::vector<std::string>{infergrid_binary(), "node", "--config", config()},
                                           dir + "/node" + std::to_string(++starts) + ".log");
    ASSERT_TRUE(grid->started());
    ASSERT_TRUE(wait_for_http_workers(http_port, 1, seconds(120))) << "the grid did not come up:\n" << grid->log();
    ASSERT_TRUE(grid->wait_for_log("up with", seconds(120)).has_value()) << grid->log();  // the validators too
  }
  void stop_grid() {
    if (!grid) return;
    grid->send_signal(SIGTERM);
    EXPECT_TRUE(grid->wait_exit(seconds(30)).has_value()) << grid->log();
    grid.reset();
  }

  // An account's buckets in the ledger, read with `infergrid ledger balance` (-1: no such account).
  std::int64_t ledger_amount(const std::string& account, const std::string& bucket) {
    const auto shown = run_cli("ledger --db " + db + " balance " + account);
    std::smatch found;
    if (shown.exit_code != 0 || !std::regex_search(shown.output, found, std::regex(bucket + R"(\s+([0-9.]+))"))) return -1;
    auto amount = ledger::parse_amount(found[1].str());
    return amount.ok() ? *amount : -1;
  }
  std::int64_t staked_on_chain(const address& account) {
    auto staked = read_u64(*net->client, net->vault, vault_call::staked_of(account));
    return staked.ok() ? static_cast<std::int64_t>(*staked) : -1;
  }
  std::vector<slashed_event> slashed_events() {
    std::vector<slashed_event> out;
    auto head = net->client->block_number();
    if (!head.ok()) return out;
    auto logs = net->client->logs(net->vault, 0, *head,
                                  vault_event_topic("Slashed(address,bytes32,uint256,address[],uint256,uint256)"));
    if (!logs.ok()) return out;
    for (const chain_log& log : *logs) {
      auto event = decode_vault_event(log);
      if (event.ok()) out.push_back(std::get<slashed_event>(*event));
    }
    return out;
  }
  bool wait_until(const std::function<bool()>& done, seconds timeout = seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(milliseconds(100));
    }
    return false;
  }
  int complete(const std::string& prompt) {
    httplib::Client client("127.0.0.1", http_port);
    client.set_read_timeout(60, 0);
    const json body = {{"model", "stories260k"}, {"prompt", prompt}, {"max_tokens", 16}};
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-dev"}}, body.dump(), "application/json");
    return res ? res->status : -1;
  }

  std::unique_ptr<vault_devnet> net;
  std::string dir = make_temp_dir();
  std::string db = dir + "/ledger.db";
  chain_key developer = chain_key::generate();
  party miner = make_party(dir, "miner");
  std::vector<party> voters;
  int http_port = 0;
  int node_port = 0;
  int starts = 0;
  std::unique_ptr<child_process> grid;
};

TEST_F(ChainSlash, AQuorumConvictionIsBookedAsTheVaultSlashedItEvenAfterTheMinerWithdrewUnbonding) {
  // The miner bonds 240: 200 staked and 40 unbonding (locked and slashable for the vault's delay).
  constexpr std::int64_t unbonding = 40 * token;
  bind_and_stake(miner, stake_role::miner, miner_stake + unbonding);
  ASSERT_TRUE(net->client->send(miner.wallet, net->vault, vault_call::unbond(static_cast<std::uint64_t>(unbonding))).ok());
  for (const party& v : voters) bind_and_stake(v, stake_role::validator, validator_stake);
  ASSERT_TRUE(net->fund(developer, 50 * token).ok());
  ASSERT_TRUE(net->client->send(developer, net->vault, vault_call::deposit(50 * token)).ok());

  // The bridge books the stakes of the bound wallets to the nodes' identities.
  start_grid();
  ASSERT_TRUE(wait_until([&] { return ledger_amount(miner.account(), "unbonding") == unbonding; })) << grid->log();
  EXPECT_EQ(ledger_amount(miner.account(), "staked"), miner_stake);
  for (const party& v : voters) {
    ASSERT_TRUE(wait_until([&] { return ledger_amount(v.account(), "staked") == validator_stake; })) << v.name;
  }
  ASSERT_TRUE(wait_until([&] { return ledger_amount(to_hex_0x(developer.chain_address()), "balance") == 50 * token; }));

  // The chain node goes down; the cheating miner serves a completion and the three validators convict
  // it in the ledger. The vault holds the stakes, so the ledger forfeits nothing until the vault has.
  auto state = net->client->rpc().call("anvil_dumpState");
  ASSERT_TRUE(state.ok());
  const std::string endpoint = net->node->endpoint();
  net->node->stop();
  EXPECT_EQ(complete("Once upon a time"), 200);
  const auto book_convicted = [&] {
    std::ifstream file(db + ".chain-slashes");
    const json book = json::parse(file, nullptr, false);
    return book.is_array() && book.size() == 1 && book[0].value("convicted", false);
  };
  ASSERT_TRUE(wait_until(book_convicted)) << grid->log();
  EXPECT_EQ(ledger_amount(miner.account(), "staked"), miner_stake);
  EXPECT_EQ(ledger_amount(miner.account(), "unbonding"), unbonding);
  stop_grid();
  // As if settlement had stopped between the ledger's commit and the book's mark: the restart finds
  // the conviction awaiting the vault's slash in the ledger.
  json book = json::parse(std::ifstream(db + ".chain-slashes"));
  EXPECT_EQ(book[0]["signatures"].size(), voters.size());
  EXPECT_EQ(book[0]["voters"].size(), voters.size());
  book[0]["convicted"] = false;
  book[0]["voters"] = json::array();
  write_file(db + ".chain-slashes", book.dump());

  // The chain is back, the unbonding has matured, and the miner takes it out before the slash
  // executes: the vault can only take its share of the 200 still staked.
  auto restarted = anvil_node::start(static_cast<std::uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1))));
  ASSERT_TRUE(restarted.ok()) << restarted.err().message;
  net->node = std::move(*restarted);
  ASSERT_TRUE(net->client->rpc().call("anvil_loadState", json::array({*state})).ok());
  ASSERT_TRUE(net->advance_time(net->parameters.unbonding_delay_seconds + 1).ok());
  ASSERT_TRUE(net->client->send(miner.wallet, net->vault, vault_call::withdraw_unbonded()).ok());
  start_grid();

  const std::int64_t forfeit = miner_stake * static_cast<std::int64_t>(net->parameters.slash_bps) / 10'000;
  ASSERT_TRUE(wait_until([&] { return staked_on_chain(miner.wallet.chain_address()) == miner_stake - forfeit; }))
      << grid->log();
  ASSERT_TRUE(grid->wait_for_log("convicted here): forfeit", seconds(20)).has_value()) << grid->log();
  std::vector<slashed_event> slashed = slashed_events();
  ASSERT_EQ(slashed.size(), 1u);
  EXPECT_EQ(slashed[0].miner, miner.wallet.chain_address());
  EXPECT_EQ(static_cast<std::int64_t>(slashed[0].forfeit_micro), forfeit);
  EXPECT_EQ(slashed[0].voters.size(), voters.size());
  // The ledger took exactly what the vault took, and paid the unbonding out as the vault did.
  ASSERT_TRUE(wait_until([&] { return ledger_amount(miner.account(), "staked") == miner_stake - forfeit; })) << grid->log();
  EXPECT_EQ(ledger_amount(miner.account(), "unbonding"), 0);
  for (const party& v : voters) {
    EXPECT_EQ(ledger_amount(v.account(), "balance"), static_cast<std::int64_t>(slashed[0].reward_per_voter_micro)) << v.name;
    EXPECT_NE(std::find(slashed[0].voters.begin(), slashed[0].voters.end(), v.wallet.chain_address()),
              slashed[0].voters.end()) << v.name;
  }
  EXPECT_EQ(slashed[0].reward_per_voter_micro * voters.size() + slashed[0].treasury_share_micro, slashed[0].forfeit_micro);
  std::smatch gas;  // measured, not asserted: deploy/readme/chain.md's gas per slash
  const std::string sent_log = grid->log();
  if (std::regex_search(sent_log, gas, std::regex(R"(sent the slash .* with (\d+) signatures: transaction 0x[0-9a-f]+, (\d+) gas)"))) {
    std::printf("gas per slash sent by settlement (%s signatures): %s\n", gas[1].str().c_str(), gas[2].str().c_str());
  }

  // A restart, and one that rereads the whole chain (cursor lost), slash and book nothing twice.
  stop_grid();
  ASSERT_TRUE(std::filesystem::remove(db + ".chain-cursor"));
  start_grid();
  ASSERT_TRUE(grid->wait_for_log("convicted here): forfeit", seconds(20)).has_value()) << grid->log();
  EXPECT_EQ(grid->log().find("sent the slash"), std::string::npos) << grid->log();
  EXPECT_EQ(staked_on_chain(miner.wallet.chain_address()), miner_stake - forfeit);
  EXPECT_EQ(ledger_amount(miner.account(), "staked"), miner_stake - forfeit);
  EXPECT_EQ(slashed_events().size(), 1u);

  // Reconciled: the books verify and the vault holds exactly the ledger's supply.
  stop_grid();
  const auto verified = run_cli("ledger --db " + db + " verify");
  ASSERT_EQ(verified.exit_code, 0) << verified.output;
  const std::uint64_t vault_tokens = *net->token_balance(net->vault);
  EXPECT_EQ(vault_tokens, static_cast<std::uint64_t>(50 * token + miner_stake + 3 * validator_stake));
  EXPECT_NE(verified.output.find("supply " + ledger::format_amount(static_cast<std::int64_t>(vault_tokens)) + " tokens"),
            std::string::npos)
      << verified.output;
}

}  // namespace
}  // namespace infergrid::testing
