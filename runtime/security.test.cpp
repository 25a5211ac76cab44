// The pieces of the tcp trust boundary on their own: the replay window, key pinning and roles,
// the authority table, the `security:` config section, keygen's files. The attacks themselves,
// over real sockets, are in tests/trust_attacks.test.cpp.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "messages/authority.hpp"
#include "runtime/config.hpp"
#include "runtime/directory.hpp"
#include "runtime/idle_map.hpp"
#include "runtime/key_files.hpp"
#include "runtime/peer_trust.hpp"
#include "runtime/replay_guard.hpp"

namespace infergrid {
namespace {

constexpr std::int64_t now_ms = 1'800'000'000'000;

envelope from(const std::string& sender, std::uint64_t id, std::int64_t sent_at_ms = now_ms) {
  envelope e;
  e.sender = sender;
  e.message_id = id;
  e.sent_at_ms = sent_at_ms;
  return e;
}

TEST(replay_guard, refuses_a_repeat_and_accepts_late_but_unseen_ids_inside_the_window) {
  replay_guard guard(60000, 16);
  EXPECT_TRUE(guard.admit(from("a/x", 100), now_ms).ok());
  EXPECT_FALSE(guard.admit(from("a/x", 100), now_ms).ok());
  EXPECT_TRUE(guard.admit(from("a/x", 105), now_ms).ok());
  EXPECT_TRUE(guard.admit(from("a/x", 103), now_ms).ok());   // out of order, unseen
  EXPECT_FALSE(guard.admit(from("a/x", 103), now_ms).ok());  // now seen
  EXPECT_TRUE(guard.admit(from("a/x", 200), now_ms).ok());
  EXPECT_FALSE(guard.admit(from("a/x", 105), now_ms).ok());  // fell out of the 64-id window
  EXPECT_TRUE(guard.admit(from("b/y", 100), now_ms).ok());   // ids are per sender
}

TEST(replay_guard, refuses_by_date_and_deadline) {
  replay_guard guard(60000, 16);
  EXPECT_FALSE(guard.admit(from("a/x", 1, now_ms - 60001), now_ms).ok());
  EXPECT_FALSE(guard.admit(from("a/x", 2, now_ms + 60001), now_ms).ok());
  envelope late = from("a/x", 3);
  late.deadline_ms = now_ms - 1;
  EXPECT_FALSE(guard.admit(late, now_ms).ok());
}

TEST(replay_guard, bounds_the_senders_it_tracks) {
  replay_guard guard(1000, 2);
  EXPECT_TRUE(guard.admit(from("a/x", 1), now_ms).ok());
  EXPECT_TRUE(guard.admit(from("b/x", 1), now_ms).ok());
  EXPECT_FALSE(guard.admit(from("c/x", 1), now_ms).ok());
  // Two windows later the silent senders are forgotten (their envelopes are refused by date anyway).
  EXPECT_TRUE(guard.admit(from("c/x", 1, now_ms + 2001), now_ms + 2001).ok());
}

// A full guard under a flood of new senders: each newcomer costs the cleanup of silent senders a
// look at the oldest one, not a scan of all of them (a scan each made a flood quadratic: here
// 2,000 x 1,000 entries). What is admitted does not change: newcomers are refused while none is
// silent for two windows, and admitted once the old ones are.
TEST(replay_guard, a_flood_of_new_senders_into_a_full_guard_does_not_rescan_it_for_each) {
  constexpr std::size_t max_senders = 1000, flood = 2000;
  replay_guard guard(1000, max_senders);
  for (std::size_t i = 0; i < max_senders; ++i) ASSERT_TRUE(guard.admit(from("old/" + std::to_string(i), 1), now_ms).ok());
  for (std::size_t i = 0; i < flood; ++i) EXPECT_FALSE(guard.admit(from("new/" + std::to_string(i), 1), now_ms).ok());
  EXPECT_LE(guard.cleanup_visits(), flood);
  const std::int64_t later = now_ms + 2001;
  for (std::size_t i = 0; i < max_senders; ++i) EXPECT_TRUE(guard.admit(from("later/" + std::to_string(i), 1, later), later).ok());
  EXPECT_LE(guard.cleanup_visits(), flood + 2 * max_senders);  // each old sender forgotten once
}

TEST(peer_trust, a_flood_of_new_addresses_into_full_pins_does_not_rescan_them_for_each) {
  constexpr std::size_t flood = 2000;
  const identity key = identity::generate();
  security_config security;
  peer_trust trust(security, {});
  for (std::size_t i = 0; i < peer_trust::max_pins; ++i) {
    ASSERT_TRUE(trust.pin("old" + std::to_string(i) + "/x", key.public_id(), now_ms).ok());
    ASSERT_TRUE(trust.may_route("old" + std::to_string(i), key.public_id(), "tcp://127.0.0.1:1", "", now_ms));
  }
  for (std::size_t i = 0; i < flood; ++i) {
    EXPECT_FALSE(trust.pin("new" + std::to_string(i) + "/x", key.public_id(), now_ms).ok());
    EXPECT_FALSE(trust.may_route("new" + std::to_string(i), key.public_id(), "tcp://127.0.0.1:1", "", now_ms));
  }
  EXPECT_LE(trust.cleanup_visits(), 2 * flood);
  const std::int64_t later = now_ms + security.pin_idle_ms + 1;
  EXPECT_TRUE(trust.pin("later/x", key.public_id(), later).ok());
  EXPECT_TRUE(trust.may_route("later", key.public_id(), "tcp://127.0.0.1:1", "", later));
}

// find() hands out the value to change, but when it was last seen only through seen(): a caller
// writing it would leave the entry out of place in the order forget_idle walks.
template <class Entry>
concept last_seen_is_writable = requires(Entry& found) { found.last_seen_ms = std::int64_t{1}; };
static_assert(!last_seen_is_writable<idle_map<int>::entry>, "idle_map::find must not let callers move last_seen_ms");

TEST(idle_map, find_reads_when_a_key_was_seen_and_seen_moves_it) {
  idle_map<int> senders;
  senders.put("a", 1, 100);
  senders.put("b", 2, 200);
  auto* a = senders.find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->last_seen_ms(), 100);
  a->value = 10;
  senders.seen("a", 300);
  EXPECT_EQ(senders.find("a")->last_seen_ms(), 300);
  senders.forget_idle(50, 260);  // b (200) is idle, a (300) is not
  EXPECT_EQ(senders.find("b"), nullptr);
  ASSERT_NE(senders.find("a"), nullptr);
  EXPECT_EQ(senders.find("a")->value, 10);
}

TEST(peer_trust, pins_an_address_to_its_first_key_and_a_configured_peer_to_its_key) {
  const identity one = identity::generate(), two = identity::generate();
  security_config security;
  peer_config hub{"hub", "tcp://127.0.0.1:1", {}, two.public_id()};
  peer_trust trust(security, {hub});
  EXPECT_TRUE(trust.pin("m/x", one.public_id(), now_ms).ok());
  EXPECT_EQ(trust.pin("m/x", two.public_id(), now_ms).err().code, error_code::permission_denied);
  EXPECT_TRUE(trust.pin("m/x", two.public_id(), now_ms + security.pin_idle_ms + 1).ok());  // lapsed
  EXPECT_EQ(trust.pin("hub/matchmaker", one.public_id(), now_ms).err().code, error_code::permission_denied);
  EXPECT_TRUE(trust.pin("hub/matchmaker", two.public_id(), now_ms).ok());
  EXPECT_NE(trust.roles_of(two.public_id(), "hub") & role_coordinator, 0);
  EXPECT_EQ(trust.roles_of(one.public_id(), "hub") & role_member, 0);  // allowlist: unknown key
}

// Where a node is (its reply endpoint, which the directory routes its jobs and cancels to) is taught
// only by the key its route was first learned from: a stranger signing as "w1/anything" (a fresh
// address, so its own pin passes) is delivered but cannot reroute w1 to itself.
TEST(peer_trust, only_the_key_a_node_was_learned_from_may_move_its_route) {
  const identity worker = identity::generate(), stranger = identity::generate(), hub_key = identity::generate();
  security_config security;
  security.open_admission = true;
  peer_config hub{"hub", "tcp://127.0.0.1:1", {}, hub_key.public_id()};
  peer_trust trust(security, {hub});
  const std::string here = "tcp://10.0.0.1:7400", moved = "tcp://10.0.0.1:7401", elsewhere = "tcp://10.6.6.6:7400";
  EXPECT_TRUE(trust.may_route("w1", worker.public_id(), here, "", now_ms));
  EXPECT_TRUE(trust.may_route("w1", worker.public_id(), moved, "", now_ms + 1000));  // its own key moves it
  EXPECT_FALSE(trust.may_route("w1", stranger.public_id(), elsewhere, "", now_ms + 2000));
  EXPECT_FALSE(trust.may_route("w1", stranger.public_id(), moved, "other-link-key", now_ms + 2000));
  // Its route silent past pin_idle_ms, the node may come back under another key (a host rebuilt).
  EXPECT_TRUE(trust.may_route("w1", stranger.public_id(), elsewhere, "", now_ms + 1000 + security.pin_idle_ms + 1));
  // A configured peer's route moves only by its configured key.
  EXPECT_FALSE(trust.may_route("hub", worker.public_id(), elsewhere, "", now_ms));
  EXPECT_TRUE(trust.may_route("hub", hub_key.public_id(), elsewhere, "", now_ms));
}

// The node's other keys (a worker's miner key beside its node key) keep sending over its route
// while the key it was first learned from is silent: the route stays pinned, and a stranger
// sending all along still cannot move it. (Before, only the first key's traffic counted, so the pin
// lapsed after pin_idle_ms and the first stranger envelope after that took the route.)
TEST(peer_trust, traffic_over_a_nodes_route_keeps_its_pin_whichever_of_its_keys_signs) {
  const identity miner = identity::generate(), node_key = identity::generate(), stranger = identity::generate();
  security_config security;
  security.open_admission = true;
  peer_trust trust(security, {});
  const std::string route = "tcp://10.0.0.1:7400", link = "w1-link-key", elsewhere = "tcp://10.6.6.6:7400";
  EXPECT_TRUE(trust.may_route("w1", miner.public_id(), route, link, now_ms));
  for (std::int64_t at = now_ms; at <= now_ms + 3 * security.pin_idle_ms; at += security.pin_idle_ms / 4) {
    EXPECT_TRUE(trust.may_route("w1", node_key.public_id(), route, link, at));
    EXPECT_FALSE(trust.may_route("w1", stranger.public_id(), elsewhere, "stranger-link", at + 1)) << "at +" << at - now_ms;
  }
  // The first key may still move it; a key that only confirmed the route may not.
  EXPECT_FALSE(trust.may_route("w1", node_key.public_id(), elsewhere, link, now_ms + 3 * security.pin_idle_ms));
  EXPECT_TRUE(trust.may_route("w1", miner.public_id(), elsewhere, link, now_ms + 3 * security.pin_idle_ms));
}

// A refused envelope being answered may introduce a node, never move one the directory knows.
TEST(directory, a_node_is_only_introduced_by_an_introduce_only_learn) {
  directory names("self", {});
  names.learn_peer("w1", "tcp://10.0.0.1:7400", "", now_ms);
  names.learn_peer("w1", "tcp://10.6.6.6:7400", "", now_ms, /*introduce_only=*/true);
  names.learn_peer("w2", "tcp://10.0.0.2:7400", "", now_ms, /*introduce_only=*/true);
  auto w1 = names.resolve("w1/gpu_worker");
  ASSERT_TRUE(w1.ok());
  EXPECT_EQ(w1->endpoint, "tcp://10.0.0.1:7400");
  auto w2 = names.resolve("w2/gpu_worker");
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(w2->endpoint, "tcp://10.0.0.2:7400");
}

TEST(directory, forgets_silent_learned_nodes_but_never_configured_peers) {
  directory names("hub", {.idle_ms = 1000, .max_peers = 16});
  names.add_peer("configured", "tcp://10.0.0.1:7400", {"matchmaker"});
  names.learn_peer("one-off", "tcp://10.0.0.2:7400", "", now_ms);
  names.learn_peer("regular", "tcp://10.0.0.3:7400", "", now_ms);
  EXPECT_EQ(names.learned_peer_count(), 2u);
  names.learn_peer("regular", "tcp://10.0.0.3:7400", "", now_ms + 900);  // heard again
  EXPECT_EQ(names.forget_silent_peers(now_ms + 1000), 0u);  // silent exactly idle_ms: kept
  EXPECT_EQ(names.forget_silent_peers(now_ms + 1500), 1u);
  EXPECT_FALSE(names.resolve("one-off/x").ok());
  EXPECT_TRUE(names.resolve("regular/x").ok());
  EXPECT_EQ(names.forget_silent_peers(now_ms + 100000), 1u);
  EXPECT_EQ(names.learned_peer_count(), 0u);
  // Configured: never forgotten, even when it was also learned (a new endpoint) and went silent.
  names.learn_peer("configured", "tcp://10.0.0.9:7400", "", now_ms);
  EXPECT_EQ(names.learned_peer_count(), 0u);
  EXPECT_EQ(names.forget_silent_peers(now_ms + 100000), 0u);
  ASSERT_TRUE(names.resolve("matchmaker").ok());
  EXPECT_EQ(names.resolve("matchmaker")->endpoint, "tcp://10.0.0.9:7400");
}

TEST(directory, a_stream_of_one_off_senders_never_grows_it_past_max_learned_peers) {
  directory names("hub", {.idle_ms = 600000, .max_peers = 64});
  names.add_peer("configured", "tcp://10.0.0.1:7400", {"matchmaker"});
  names.learn_peer("worker", "tcp://10.0.0.3:7400", "", now_ms);
  for (int i = 0; i < 10000; ++i) {
    const std::int64_t at = now_ms + 1 + i;
    names.learn_peer("stranger-" + std::to_string(i), "tcp://10.9.0.1:" + std::to_string(i), "", at);
    if (i % 16 == 0) names.learn_peer("worker", "tcp://10.0.0.3:7400", "", at);  // keeps talking
    ASSERT_LE(names.learned_peer_count(), 64u);
  }
  // The longest-silent learned nodes made room; the one that kept talking and the configured one stayed.
  EXPECT_TRUE(names.resolve("worker/x").ok());
  EXPECT_TRUE(names.resolve("stranger-9999/x").ok());
  EXPECT_FALSE(names.resolve("stranger-0/x").ok());
  EXPECT_TRUE(names.resolve("matchmaker").ok());
}

TEST(peer_trust, roles_come_from_the_lists_and_admission_mode) {
  const identity op = identity::generate(), stranger = identity::generate();
  security_config security;
  security.operators = {op.public_id()};
  peer_trust closed(security, {});
  EXPECT_EQ(closed.roles_of(op.public_id(), "ops"), role_local);
  EXPECT_EQ(closed.roles_of(stranger.public_id(), "x"), role_anyone);
  security.open_admission = true;
  peer_trust open(security, {});
  EXPECT_EQ(open.roles_of(stranger.public_id(), "x"), role_anyone | role_member);
}

TEST(authority, money_and_epochs_need_the_operator_and_unlisted_messages_nobody) {
  EXPECT_EQ(allowed_senders("settlement", message_type::ledger_deposit), role_operator);
  EXPECT_EQ(allowed_senders("settlement", message_type::escrow_request), role_coordinator);
  EXPECT_EQ(allowed_senders("settlement", message_type::entries_query), role_coordinator);
  EXPECT_EQ(allowed_senders("matchmaker", message_type::worker_register), role_member);
  EXPECT_EQ(allowed_senders("gpu_worker", message_type::inference_job), role_coordinator);
  EXPECT_EQ(allowed_senders("custom", message_type::ping), role_anyone);
  EXPECT_EQ(allowed_senders("health", message_type::ledger_deposit), 0);
  EXPECT_EQ(allowed_senders("http_bridge", message_type::token_chunk), role_coordinator);
}

TEST(security_config, parses_keys_modes_and_names_the_key_of_an_error) {
  const identity op = identity::generate();
  auto parsed = parse_config("node: {name: a}\nsecurity: {admit: open, signatures: required, operators: [" +
                                 to_hex(op.public_id()) + "]}\nactors: []\n",
                             "a.yaml");
  ASSERT_TRUE(parsed.ok()) << parsed.err().message;
  EXPECT_TRUE(parsed->security.open_admission);
  ASSERT_EQ(parsed->security.operators.size(), 1u);
  EXPECT_EQ(parsed->security.operators[0], op.public_id());
  auto bad = parse_config("node: {name: a}\nsecurity:\n  admit: maybe\nactors: []\n", "a.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.err().message.find("a.yaml:3: security.admit"), std::string::npos) << bad.err().message;
  auto missing = parse_config("node: {name: a}\nsecurity: {members: [no-such.pub]}\nactors: []\n", "a.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.err().message.find("no-such.pub"), std::string::npos);
}

TEST(key_files, keygen_writes_private_files_and_never_overwrites) {
  const auto dir = std::filesystem::temp_directory_path() / ("infergrid-keygen-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto written = write_new_keys(dir.string());
  ASSERT_TRUE(written.ok()) << written.err().message;
  struct stat info {};
  ASSERT_EQ(::stat((dir / "signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir / "transport.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto loaded = identity::load((dir / "signing.key").string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(to_hex(loaded->public_id()), written->signing_public_hex);
  EXPECT_EQ(written->transport_public_z85.size(), 40u);
  auto again = write_new_keys(dir.string());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.err().code, error_code::conflict);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace infergrid
