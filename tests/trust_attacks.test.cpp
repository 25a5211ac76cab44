// The attacks of issue 13, each performed over a real tcp socket against a real node (settlement,
// matchmaker, a gpu_worker on stories260k and the HTTP bridge in settlement mode, in permissionless
// mode over CurveZMQ so the attacker's keys are admitted), and each shown refused and counted:
// unsigned, tampered, replayed, unknown-version and impersonating envelopes; a forged
// worker_register, an unstaked worker, a self-signed receipt, a deposit, escrow + settle, stake for
// another account + epoch close, a forged token chunk, worker_leave spam, a foreign cancel, a
// balance query of another account — and afterwards `ledger verify` still passes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "actors/gpu_worker/receipt_signing.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"
#include "messages/account_history.hpp"
#include "messages/codec.hpp"
#include "messages/inference.hpp"
#include "messages/ledger.hpp"
#include "messages/match.hpp"
#include "runtime/actor_runner.hpp"
#include "runtime/curve_keys.hpp"
#include "runtime/link_binding.hpp"
#include "runtime/node.hpp"
#include "tests/compute_grid.hpp"
#include "tests/support/started_node.hpp"
#include "tests/support/http_health.hpp"
#include "tests/support/raw_socket.hpp"

namespace infergrid {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
constexpr std::int64_t call_timeout_ms = 3000;
constexpr std::int64_t dev_funds_micro = 1'000'000'000;

// What the attacker's decoy worker saw: jobs routed to it, and how its registration ended.
struct trap_log {
  std::atomic<int> jobs{0};
  std::atomic<int> registrations_refused{0};
  std::atomic<int> registrations_accepted{0};
};

// An attacker's actor: registers as a worker (under `claimed_id`) and counts the jobs it gets.
struct trap_state {
  trap_state(actor_context& context, std::string claimed_id, trap_log* seen) : ctx(context), id(std::move(claimed_id)), log(seen) {}
  handler_table handlers() {
    return {on<inference_job>([this](const inference_job& job) -> result<job_accepted> {
      ++log->jobs;
      return job_accepted{job.request.request_id, id, 0};
    })};
  }
  void on_start() {
    worker_register hello{id, ctx.address(), {model_offer{"stories260k", "", 128, "F32", 1e6, 0, 0}}, 64, 64, 0, 1'000'000'000};
    ctx.request<worker_registered>("grid/matchmaker", hello, call_timeout_ms, [this](result<worker_registered> r) {
      ++(r.ok() ? log->registrations_accepted : log->registrations_refused);
    });
  }
  actor_context& ctx;
  std::string id;
  trap_log* log;
};

class trust_attacks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("infergrid-trust-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "keys.yaml") << "accounts:\n  - {name: dev, keys: [sk-dev], account: dev}\n";
    http_port = compute_testing::free_port();
    const std::string yaml =
        "node: {name: grid, bind: 'tcp://127.0.0.1:*'}\n"
        "limits: {drain_quiet_ms: 10}\n"
        // Permissionless over CurveZMQ, as a public hub runs: ZAP lets any transport key in, so every
        // attack below comes from an admitted, encrypted connection (transport_security_test covers ZAP).
        "security: {admit: open}\n"
        "actors:\n"
        "  - {name: health, kind: health}\n"
        "  - name: settlement\n    kind: settlement\n"
        "    settings: {db: " + (dir / "ledger.db").string() + ", durable: false, genesis_deposits: {dev: " +
        std::to_string(dev_funds_micro) + "}}\n"
        "  - name: matchmaker\n    kind: matchmaker\n"
        "    settings: {receipts_to: settlement, min_stake_micro: 1000, stake_from: settlement}\n"
        "  - name: worker\n    kind: gpu_worker\n"
        "    settings: {model_path: \"" + compute_testing::stories260k_model_path() +
        "\", slots: 4, context_size: 128, benchmark_tokens: 4, stake_micro: 1000, identity_file: " + (dir / "worker.key").string() + "}\n"
        "  - name: http\n    kind: http_bridge\n"
        "    settings: {listen: 127.0.0.1:" + std::to_string(http_port) + ", keys_file: " + (dir / "keys.yaml").string() +
        ", settlement: settlement}\n";
    auto started = testing::start_curve_node(yaml, "<trust attacks>");
    ASSERT_TRUE(started.ok()) << started.err().message;
    grid = std::move(*started);
    ASSERT_TRUE(wait_until_served());
    worker_id = to_hex(identity::load((dir / "worker.key").string())->public_id());

    node_config attacker;
    attacker.source = "<attacker>";
    attacker.name = "evil";
    attacker.bind = "tcp://127.0.0.1:*";
    attacker.limits.drain_quiet_ms = 10;
    attacker.security.transport_key_secret = generate_curve_keypair().value().secret_z85;  // a stranger's key
    grid_transport_key = grid->transport().own.public_z85;
    attacker.peers.push_back(testing::peer_of(*grid, {}));
    evil = std::move(node::create(std::move(attacker))).value();
    evil_key = to_hex(evil->signer().public_id());
  }

  void TearDown() override {
    if (evil) evil->stop();
    if (grid) grid->stop();
    // Whatever was attempted, the ledger's chain, signatures and balances still verify.
    if (std::filesystem::exists(dir / "ledger.db")) {
      auto verified = ledger::verify_ledger((dir / "ledger.db").string());
      EXPECT_TRUE(verified.ok()) << verified.err().message;
    }
    std::filesystem::remove_all(dir);
  }

  bool wait_until_served() { return testing::wait_for_http_workers(http_port, 1, 60s); }

  json complete(bool stream = false) {
    httplib::Client client("127.0.0.1", http_port);
    client.set_read_timeout(60, 0);
    json body = {{"model", "stories260k"}, {"prompt", "Once upon a time"}, {"max_tokens", 8}, {"temperature", 0}};
    if (stream) body["stream"] = true;
    auto res = client.Post("/v1/completions", {{"Authorization", "Bearer sk-dev"}}, body.dump(), "application/json");
    if (!res) return json{{"status", 0}};
    if (stream) return json{{"status", res->status}, {"text", res->body}};
    json answer = json::parse(res->body, nullptr, false);
    answer["status"] = res->status;
    return answer;
  }

  // Refusals counted by the grid: at the tcp ingress and by the actors' own checks.
  std::uint64_t refused(const std::string& which = "_ingress") const {
    for (const auto& m : grid->metrics()) {
      if (m.address == "grid/" + which) return m.refused;
    }
    return 0;
  }
  bool wait_refused(std::uint64_t at_least, const std::string& which = "_ingress") const {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (refused(which) < at_least && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    return refused(which) >= at_least;
  }

  balance_reply balance(const std::string& account) {
    auto b = grid->call<balance_reply>("settlement", balance_query{account}, call_timeout_ms);
    return b.ok() ? *b : balance_reply{};
  }
  bool has_account(const std::string& account) {
    return grid->call<balance_reply>("settlement", balance_query{account}, call_timeout_ms).ok();
  }

  // The attacker's signed request over tcp; the error the grid answers (or timeout when refused
  // at the door, which answers nothing).
  template <message Reply, message T>
  result<Reply> attack(const std::string& to, const T& m) {
    return evil->call<Reply>(to, m, 1000);
  }

  std::filesystem::path dir;
  int http_port = 0;
  std::unique_ptr<node> grid;
  std::unique_ptr<node> evil;
  std::string worker_id;
  std::string evil_key;
  std::string grid_transport_key;
};

using testing::envelope_of;
using testing::raw_socket;

TEST_F(trust_attacks, unsigned_tampered_replayed_and_unknown_version_envelopes_are_refused_and_counted) {
  raw_socket script(grid->endpoint(), grid_transport_key);
  const identity mallory = identity::generate();
  const std::uint64_t before = refused();
  const ledger_deposit mint{"mint-1", "mallory", 0, 10'000'000'000'000};
  // Unsigned.
  script.send("settlement", "mallory", encode_envelope(envelope_of(mint, "mallory/x", "grid/settlement", 1)));
  // Tampered: signed, then the amount changed.
  envelope tampered = envelope_of(ping{7, {}}, "mallory/x", "grid/health", 2);
  sign_envelope(tampered, mallory);
  tampered.body = encode_body(ping{8, {}});
  script.send("health", "mallory", encode_envelope(tampered));
  // Replayed: the same signed ping twice (the first is delivered, anyone may ping).
  envelope once = envelope_of(ping{9, {}}, "mallory/x", "grid/health", 3);
  sign_envelope(once, mallory);
  script.send("health", "mallory", encode_envelope(once));
  script.send("health", "mallory", encode_envelope(once));
  // Dated an hour ago (validly signed: the window alone refuses it).
  envelope stale = envelope_of(ping{10, {}}, "mallory/x", "grid/health", 4);
  stale.sent_at_ms -= 3'600'000;
  script.send_signed("health", "mallory", stale, mallory);
  // A message_version nobody here knows.
  envelope future = envelope_of(ping{11, {}}, "mallory/x", "grid/health", 5);
  future.message_version = 99;
  script.send_signed("health", "mallory", future, mallory);
  EXPECT_TRUE(wait_refused(before + 5)) << "refused " << refused() - before << " of 5";
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(refused() - before, 5u);
  EXPECT_FALSE(has_account("mallory"));
}

TEST_F(trust_attacks, impersonating_envelopes_are_refused_and_counted) {
  raw_socket script(grid->endpoint(), grid_transport_key);
  const identity first = identity::generate();
  const identity second = identity::generate();
  const std::uint64_t before = refused();
  // Claims to be the grid itself.
  script.send_signed("health", "grid", envelope_of(ping{1, {}}, "grid/matchmaker", "grid/health", 1), first);
  // Its route names one node, its sender another.
  script.send_signed("health", "mallory", envelope_of(ping{2, {}}, "someone/x", "grid/health", 2), first);
  // An address pinned to the first key it was seen with, then used with another key.
  script.send_signed("health", "mallory", envelope_of(ping{3, {}}, "mallory/x", "grid/health", 3), first);
  script.send_signed("health", "mallory", envelope_of(ping{4, {}}, "mallory/x", "grid/health", 4), second);
  EXPECT_TRUE(wait_refused(before + 3)) << "refused " << refused() - before << " of 3";
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(refused() - before, 3u);
}

// Between curve nodes an envelope carries its signer's link binding instead of a signature
// (runtime/link_binding.hpp). A binding only counts on the connection whose transport key it
// names: one for another key, one copied from another node, a signer that never bound, or any
// link binding over plaintext is refused; a node's own binding on its own connection passes.
TEST_F(trust_attacks, link_bound_envelopes_pass_only_on_the_connection_they_bind) {
  raw_socket script(grid->endpoint(), grid_transport_key);
  raw_socket bystander(grid->endpoint(), grid_transport_key);
  const identity mallory = identity::generate();
  const identity victim = identity::generate();
  const auto link_bound = [](envelope e, const identity& signer, const signature& binding) {
    sign_outgoing(e, signer, binding);
    return encode_envelope(e);
  };
  const std::uint64_t before = refused();
  const std::uint64_t received_before = [&] {
    for (const auto& m : grid->metrics()) {
      if (m.address == "grid/_ingress") return m.received;
    }
    return std::uint64_t{0};
  }();
  // Bound to the bystander's transport key, sent over the script's own connection.
  script.send("health", "mallory", link_bound(envelope_of(ping{1, {}}, "mallory/x", "grid/health", 1), mallory,
                                              sign_link_binding(mallory, bystander.transport_key())));
  // The victim's genuine binding of its own link, replayed on the attacker's.
  script.send("health", "victim", link_bound(envelope_of(ping{2, {}}, "victim/x", "grid/health", 1), victim,
                                             sign_link_binding(victim, bystander.transport_key())));
  // Mallory claiming the victim's binding of the script's link as her own.
  script.send("health", "mallory", link_bound(envelope_of(ping{3, {}}, "mallory/x", "grid/health", 2), mallory,
                                              sign_link_binding(victim, script.transport_key())));
  EXPECT_TRUE(wait_refused(before + 3)) << "refused " << refused() - before << " of 3";
  // Her own binding of her own link: admitted (anyone may ping), and not refused.
  script.send("health", "mallory", link_bound(envelope_of(ping{4, {}}, "mallory/x", "grid/health", 3), mallory,
                                              sign_link_binding(mallory, script.transport_key())));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  std::uint64_t received = received_before;
  while (received == received_before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
    for (const auto& m : grid->metrics()) {
      if (m.address == "grid/_ingress") received = m.received;
    }
  }
  EXPECT_EQ(received, received_before + 1);
  EXPECT_EQ(refused() - before, 3u);
}

TEST_F(trust_attacks, a_forged_worker_register_and_an_unstaked_worker_get_no_jobs) {
  trap_log forged, unstaked;
  ASSERT_TRUE(evil->spawn_state<trap_state>("forged", std::string(64, 'a'), &forged).ok());  // someone else's id
  ASSERT_TRUE(evil->spawn_state<trap_state>("unstaked", evil_key, &unstaked).ok());          // its own, no stake
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while ((forged.registrations_refused + unstaked.registrations_refused) < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(forged.registrations_refused, 1);
  EXPECT_EQ(unstaked.registrations_refused, 1);
  EXPECT_GE(refused("matchmaker"), 1u);  // the forged id; the unstaked one is refused by the gate
  for (int i = 0; i < 6; ++i) EXPECT_EQ(complete()["status"], 200);
  EXPECT_EQ(forged.jobs + unstaked.jobs, 0);
}

TEST_F(trust_attacks, a_self_signed_receipt_is_not_paid) {
  const json answer = complete();
  ASSERT_EQ(answer["status"], 200);
  const std::string request_id = answer["id"];
  const identity& self = evil->signer();
  completion_receipt claim;
  claim.request_id = request_id;
  claim.worker_id = evil_key;
  claim.model = "stories260k";
  claim.prompt_token_count = 4000;
  claim.completion_token_count = 4000;
  sign_receipt(claim, self);
  const std::uint64_t before_matchmaker = refused("matchmaker"), before_ingress = refused();
  EXPECT_FALSE((attack<error_reply>("grid/matchmaker", claim)).ok());
  EXPECT_FALSE((attack<error_reply>("grid/settlement", claim)).ok());  // straight to settlement: coordinators only
  EXPECT_TRUE(wait_refused(before_matchmaker + 1, "matchmaker"));
  EXPECT_TRUE(wait_refused(before_ingress + 1));
  std::this_thread::sleep_for(200ms);
  EXPECT_FALSE(has_account(evil_key));
}

TEST_F(trust_attacks, a_deposit_escrow_settle_stake_and_epoch_close_by_an_attacker_are_refused) {
  const std::uint64_t before = refused();
  const balance_reply dev_before = balance("dev");
  EXPECT_EQ(dev_before.balance_micro, dev_funds_micro);
  auto deposit = attack<ledger_ack>("grid/settlement", ledger_deposit{"mint", evil_key, 1, 10'000'000'000'000});
  auto escrow = attack<escrow_reply>("grid/settlement", escrow_request{"e1", "r1", "dev", 900'000'000, 1'000'000'000, 1'000'000'000});
  settle_receipt settle{"s1", "r1", evil_key, 1000, 1000, std::vector<std::uint8_t>(32, 0), {}};
  auto settled = attack<settle_reply>("grid/settlement", settle);
  auto stake = attack<ledger_ack>("grid/settlement", ledger_stake{"st1", "dev", 1});
  auto epoch = attack<epoch_root>("grid/settlement", epoch_close{"ep1", 1, 1'000'000, {}});
  for (bool ok : {deposit.ok(), escrow.ok(), settled.ok(), stake.ok(), epoch.ok()}) EXPECT_FALSE(ok);
  EXPECT_TRUE(wait_refused(before + 4));  // deposit, escrow, settle, epoch at the door
  // Her key verified and is hers: the door tells her which authority the message needs (an answer,
  // not a timeout), naming the node that refused it.
  const auto told_why = [](const auto& refused, const char* needs) {
    if (refused.ok()) return ::testing::AssertionFailure() << "admitted";
    const error& e = refused.err();
    if (e.code != error_code::permission_denied) return ::testing::AssertionFailure() << to_string(e.code) << ": " << e.message;
    if (e.message.find("refused by node grid") == std::string::npos || e.message.find(needs) == std::string::npos) {
      return ::testing::AssertionFailure() << e.message;
    }
    return ::testing::AssertionSuccess();
  };
  EXPECT_TRUE(told_why(deposit, "needs operator authority"));
  EXPECT_TRUE(told_why(escrow, "needs coordinator authority"));
  EXPECT_TRUE(told_why(settled, "authority"));
  EXPECT_TRUE(told_why(epoch, "authority"));
  ASSERT_FALSE(stake.ok());
  EXPECT_EQ(stake.err().code, error_code::permission_denied);  // a member, but not for the dev account
  EXPECT_GE(refused("settlement"), 1u);
  const balance_reply dev_after = balance("dev");
  EXPECT_EQ(dev_after.balance_micro, dev_funds_micro);
  EXPECT_EQ(dev_after.escrowed_micro, 0);
  EXPECT_EQ(dev_after.staked_micro, 0);
  EXPECT_FALSE(has_account(evil_key));
}

// Op ids are one ledger-wide namespace: a member staking under the op ids a refund, an expiry or a
// verdict will use would block them for good (the honest operation answered "conflict"). A
// member's stake movements are applied in its own space, so those ids stay free.
TEST_F(trust_attacks, a_member_cannot_take_the_op_ids_of_refunds_expiries_or_verdicts) {
  ASSERT_TRUE(grid->call<ledger_ack>("settlement", ledger_deposit{"fund-evil", evil_key, 1, 10}, call_timeout_ms).ok());
  const std::string request = "r-squat";
  for (const std::string& op : {"refund/" + request, "expire/" + request, "verdict/" + request + "/" + worker_id}) {
    auto staked = attack<ledger_ack>("grid/settlement", ledger_stake{op, evil_key, 1});
    ASSERT_TRUE(staked.ok()) << op << ": " << staked.err().message;  // her own stake: allowed
    auto again = attack<ledger_ack>("grid/settlement", ledger_stake{op, evil_key, 1});
    ASSERT_TRUE(again.ok()) << op << ": " << again.err().message;
    EXPECT_TRUE(again->replayed) << op << ": a retry is still the same operation";
  }
  EXPECT_EQ(balance(evil_key).staked_micro, 3);
  ASSERT_TRUE(grid->call<escrow_reply>("settlement", escrow_request{"escrow/" + request, request, "dev", 1000, 1, 1},
                                       call_timeout_ms).ok());
  auto refunded = grid->call<ledger_ack>("settlement", refund_request{"refund/" + request, request, "test"}, call_timeout_ms);
  ASSERT_TRUE(refunded.ok()) << refunded.err().message;
  EXPECT_FALSE(refunded->replayed);
  EXPECT_EQ(balance("dev").escrowed_micro, 0);
  EXPECT_EQ(balance("dev").balance_micro, dev_funds_micro);
}

TEST_F(trust_attacks, a_forged_token_chunk_is_dropped) {
  const std::uint64_t before_matchmaker = refused("matchmaker"), before_ingress = refused();
  token_chunk forged{"any-request", 0, {1, 2, 3}, "INJECTED", "", worker_id, 3, {}};
  EXPECT_FALSE((attack<error_reply>("grid/matchmaker", forged)).ok());
  EXPECT_FALSE((attack<error_reply>("grid/http", forged)).ok());
  EXPECT_TRUE(wait_refused(before_matchmaker + 1, "matchmaker"));
  EXPECT_TRUE(wait_refused(before_ingress + 1));
  const json answer = complete();
  ASSERT_EQ(answer["status"], 200);
  EXPECT_EQ(answer["choices"][0]["text"].get<std::string>().find("INJECTED"), std::string::npos);
}

TEST_F(trust_attacks, worker_leave_spam_is_harmless) {
  const std::uint64_t before = refused("matchmaker");
  for (int i = 0; i < 50; ++i) (void)evil->call<error_reply>("grid/matchmaker", worker_leave{worker_id}, 200);
  EXPECT_TRUE(wait_refused(before + 50, "matchmaker"));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(complete()["status"], 200);
}

TEST_F(trust_attacks, a_foreign_cancel_and_a_foreign_balance_query_are_refused) {
  const std::uint64_t before = refused();
  EXPECT_FALSE((attack<error_reply>("grid/matchmaker", cancel_inference{"chatcmpl-anything"})).ok());
  EXPECT_TRUE(wait_refused(before + 1));
  auto other = attack<balance_reply>("grid/settlement", balance_query{"dev"});
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.err().code, error_code::permission_denied);
  // Its own account it may read (it has none: not_found, not a refusal).
  auto own = attack<balance_reply>("grid/settlement", balance_query{evil_key});
  ASSERT_FALSE(own.ok());
  EXPECT_EQ(own.err().code, error_code::not_found);
  auto foreign_history = attack<entries_reply>("grid/settlement", account_history_query{"dev", 10});
  ASSERT_FALSE(foreign_history.ok());
  EXPECT_EQ(foreign_history.err().code, error_code::permission_denied);
  auto own_history = attack<entries_reply>("grid/settlement", account_history_query{evil_key, 10});
  ASSERT_TRUE(own_history.ok()) << own_history.err().message;
  EXPECT_TRUE(own_history->entries.empty());
  EXPECT_EQ(complete()["status"], 200);
}

// A message to an actor the node does not have is answered as such, not as a missing authority
// (which sent operators looking at keys and admission instead of the address).
TEST_F(trust_attacks, a_message_to_an_actor_the_node_lacks_is_answered_not_found) {
  auto missing = attack<balance_reply>("grid/no-such-actor", balance_query{evil_key});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.err().code, error_code::not_found) << missing.err().message;
  EXPECT_NE(missing.err().message.find("has no actor 'no-such-actor'"), std::string::npos) << missing.err().message;
}

}  // namespace
}  // namespace infergrid
