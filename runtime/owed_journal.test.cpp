// owed_journal on real files: what was owed and not answered comes back after a reopen, oldest
// first; answered requests do not; a record cut short by a crash ends the read without losing what
// came before; compaction keeps the file to the owed requests; the bound refuses more.
#include "runtime/owed_journal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "tests/support/temp_dir.hpp"

namespace infergrid {
namespace {

std::vector<std::uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

struct owed_journal_test : ::testing::Test {
  testing::temp_dir dir{"owed-journal"};
  std::string path = dir.file("owed.journal");
  owed_journal open(owed_journal_settings settings = {}) {
    auto journal = owed_journal::open(path, "node/actor", settings);
    EXPECT_TRUE(journal.ok()) << journal.err().message;
    return std::move(*journal);
  }
};

TEST_F(owed_journal_test, unanswered_requests_come_back_after_a_reopen_oldest_first) {
  {
    owed_journal journal = open();
    EXPECT_TRUE(journal.owed().empty());
    auto receipt = journal.add("r1", 7, bytes("receipt r1"));
    auto claim = journal.add("r2", 8, bytes("claim r2"));
    auto refund = journal.add("r2", 9, bytes("refund r2"));
    ASSERT_TRUE(receipt.ok() && claim.ok() && refund.ok());
    ASSERT_TRUE(journal.answered(*claim).ok());
  }  // the process dies here: nothing was flushed on purpose
  {
    owed_journal again = open();
    const auto owed = again.owed();
    ASSERT_EQ(owed.size(), 2u);
    EXPECT_EQ(owed[0].key, "r1");
    EXPECT_EQ(owed[0].kind, 7);
    EXPECT_EQ(owed[0].body, bytes("receipt r1"));
    EXPECT_EQ(owed[1].key, "r2");
    EXPECT_EQ(owed[1].body, bytes("refund r2"));
    auto next = again.add("r3", 7, bytes("receipt r3"));
    ASSERT_TRUE(next.ok());
    EXPECT_GT(*next, owed[1].id) << "ids keep increasing across a restart";
    ASSERT_TRUE(again.answered(owed[0].id).ok());
    ASSERT_TRUE(again.answered(owed[1].id).ok());
  }
  EXPECT_EQ(open().owed().size(), 1u);
}

// The crash case: only the last record can be cut short (a partial write, or the zero bytes a
// machine crash can leave after an append not yet on disk). It is dropped, and said so.
TEST_F(owed_journal_test, a_last_record_cut_short_by_a_crash_is_dropped_and_what_came_before_kept) {
  {
    owed_journal journal = open();
    ASSERT_TRUE(journal.add("r1", 7, bytes("receipt r1")).ok());
    ASSERT_TRUE(journal.add("r2", 7, bytes("receipt r2")).ok());
  }
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 3);  // the second record half written
  {
    owed_journal reopened = open();
    ASSERT_EQ(reopened.owed().size(), 1u);
    EXPECT_EQ(reopened.owed()[0].key, "r1");
    EXPECT_GT(reopened.torn_tail_bytes(), 0u);
  }
  EXPECT_EQ(open().torn_tail_bytes(), 0u) << "rewritten without the torn record";
  { std::ofstream(path, std::ios::app) << std::string(40, '\0'); }  // zeros after a machine crash
  owed_journal zeroed = open();
  EXPECT_EQ(zeroed.owed().size(), 1u);
  EXPECT_EQ(zeroed.torn_tail_bytes(), 40u);
}

// Damage that no crash leaves — a record in the middle that does not parse, or is not one the
// journal writes — must not read as the end of the journal (the owed requests after it would be
// dropped by the rewrite): open() refuses, naming the file, the record and its offset, and leaves
// the file as it was.
TEST_F(owed_journal_test, a_damaged_record_before_the_last_is_an_error_naming_the_file_and_changes_nothing) {
  {
    owed_journal journal = open();
    ASSERT_TRUE(journal.add("r1", 7, bytes("receipt r1")).ok());
  }
  const auto first_record = std::filesystem::file_size(path);
  { std::ofstream(path, std::ios::app) << "\xc1"; }  // a byte MessagePack never uses
  {
    auto reopened = owed_journal::open(path + ".copy", "node/actor");  // a second file, written whole
    ASSERT_TRUE(reopened.ok());
    ASSERT_TRUE(reopened->add("r2", 7, bytes("receipt r2")).ok());
  }
  std::ifstream copy(path + ".copy", std::ios::binary);
  { std::ofstream(path, std::ios::app | std::ios::binary) << copy.rdbuf(); }  // a whole record after the damage
  const auto damaged_size = std::filesystem::file_size(path);
  auto refused = owed_journal::open(path, "node/actor");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.err().code, error_code::malformed_input);
  EXPECT_NE(refused.err().message.find("the owed journal " + path + " is damaged: record 2 at byte " +
                                       std::to_string(first_record) + " does not parse"),
            std::string::npos)
      << refused.err().message;
  EXPECT_EQ(std::filesystem::file_size(path), damaged_size) << "the damaged file was rewritten";
  // A well-formed record of a kind the journal never writes, before the last, is damage too.
  std::filesystem::resize_file(path, first_record);
  { std::ofstream(path, std::ios::app) << "\x92\x07\x01"; }  // [7, 1]
  { std::ofstream(path, std::ios::app | std::ios::binary) << std::ifstream(path + ".copy", std::ios::binary).rdbuf(); }
  auto unknown = owed_journal::open(path, "node/actor");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.err().message.find("record 2 at byte " + std::to_string(first_record) + " is not one this journal writes"),
            std::string::npos)
      << unknown.err().message;
}

// A journal that cannot be read is an error naming it and why, not an empty journal (which the
// rewrite at open would then make it). Tests run as root here, so a directory stands in for an
// unreadable file: open(2) takes it, read(2) fails.
TEST_F(owed_journal_test, a_journal_that_cannot_be_read_is_an_io_error_naming_it) {
  std::filesystem::create_directories(path);
  auto journal = owed_journal::open(path, "node/actor");
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.err().code, error_code::io_error);
  EXPECT_NE(journal.err().message.find("cannot read the owed journal " + path + ": Is a directory"), std::string::npos)
      << journal.err().message;
}

TEST_F(owed_journal_test, answered_records_are_compacted_away_and_the_bound_refuses_more) {
  std::optional<owed_journal> journal = open(owed_journal_settings{4, 8});
  for (int i = 0; i < 100; ++i) {
    auto id = journal->add("r" + std::to_string(i), 7, bytes(std::string(100, 'x')));
    ASSERT_TRUE(id.ok()) << id.err().message;
    ASSERT_TRUE(journal->answered(*id).ok());
  }
  EXPECT_LT(std::filesystem::file_size(path), 8u * 2 * 130) << "rewritten with the owed records only";
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(journal->add("k" + std::to_string(i), 7, bytes("x")).ok());
  auto over = journal->add("k4", 7, bytes("x"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.err().code, error_code::too_large);
  EXPECT_NE(over.err().message.find("the owed journal " + path + " holds 4 unanswered requests"), std::string::npos)
      << over.err().message;
  journal.reset();
  EXPECT_EQ(open().owed().size(), 4u);
}

// Each owed request is money someone is owed: a journal opened under a lower bound than it was
// written under keeps (and so sends again) all it holds, and refuses new ones until fewer are owed.
TEST_F(owed_journal_test, a_journal_over_its_bound_at_open_keeps_every_owed_request) {
  {
    owed_journal journal = open(owed_journal_settings{4, 8});
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(journal.add("r" + std::to_string(i), 7, bytes("x")).ok());
  }
  owed_journal smaller = open(owed_journal_settings{2, 8});
  const auto owed = smaller.owed();
  ASSERT_EQ(owed.size(), 4u) << "owed requests dropped at open";
  EXPECT_EQ(owed.front().key, "r0");
  EXPECT_FALSE(smaller.add("r4", 7, bytes("x")).ok());
  ASSERT_TRUE(smaller.answered(owed[0].id).ok());
  ASSERT_TRUE(smaller.answered(owed[1].id).ok());
  ASSERT_TRUE(smaller.answered(owed[2].id).ok());
  EXPECT_TRUE(smaller.add("r4", 7, bytes("x")).ok()) << "under the bound again";
}

TEST_F(owed_journal_test, a_journal_that_cannot_be_written_is_an_io_error_naming_it) {
  auto journal = owed_journal::open(dir.file("missing-folder/owed.journal"), "node/actor");
  ASSERT_FALSE(journal.ok());
  EXPECT_EQ(journal.err().code, error_code::io_error);
  EXPECT_NE(journal.err().message.find("missing-folder"), std::string::npos) << journal.err().message;
}

// The journal names accounts and holds signed receipts: only its owner reads it, after the rewrite at
// open and after a compaction alike (the rewrite once made it 0644, whatever the append opened it as).
TEST_F(owed_journal_test, the_journal_is_readable_by_its_owner_only_after_every_rewrite) {
  const mode_t umask_before = ::umask(0022);
  {
    owed_journal_settings compacting;
    compacting.compact_after = 1;
    owed_journal journal = open(compacting);
    auto id = journal.add("r1", 7, bytes("receipt r1"));
    ASSERT_TRUE(id.ok()) << id.err().message;
    ASSERT_TRUE(journal.answered(*id).ok());
  }
  ::umask(umask_before);
  EXPECT_EQ(std::filesystem::status(path).permissions(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

// With sync on, each owed record is fdatasync'ed before add() returns; answered records are not
// (losing one only resends a request the receiver takes once). Off, no record is synced (a rewrite's
// rename is, either way: replace_file syncs the folder).
TEST_F(owed_journal_test, sync_on_syncs_each_owed_record_and_no_answered_one) {
  {
    owed_journal_settings synced;
    synced.sync = true;
    std::optional<owed_journal> journal = open(synced);
    auto id = journal->add("r1", 7, bytes("receipt r1"));
    ASSERT_TRUE(id.ok()) << id.err().message;
    ASSERT_TRUE(journal->add("r2", 7, bytes("receipt r2")).ok());
    EXPECT_EQ(journal->synced_records(), 2u);
    ASSERT_TRUE(journal->answered(*id).ok());
    EXPECT_EQ(journal->synced_records(), 2u);
  }
  owed_journal unsynced = open();
  ASSERT_EQ(unsynced.owed().size(), 1u);
  ASSERT_TRUE(unsynced.add("r3", 7, bytes("receipt r3")).ok());
  EXPECT_EQ(unsynced.synced_records(), 0u);
}

// Two senders sharing one journal would resend, and mark answered, each other's requests: the
// second is refused while the first holds it, with the file and the holder named; once the first
// lets go (its process exits, kill -9 included: the kernel drops the flock) the journal opens again.
TEST_F(owed_journal_test, a_journal_held_by_another_is_refused_naming_the_file_and_the_holder) {
  std::optional<owed_journal> first = open();
  ASSERT_TRUE(first->add("r1", 7, bytes("receipt r1")).ok());
  auto second = owed_journal::open(path, "edge/http");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.err().code, error_code::conflict);
  EXPECT_NE(second.err().message.find(path), std::string::npos) << second.err().message;
  EXPECT_NE(second.err().message.find("node/actor, pid " + std::to_string(::getpid())), std::string::npos)
      << second.err().message;
  first.reset();
  auto again = owed_journal::open(path, "edge/http");
  ASSERT_TRUE(again.ok()) << again.err().message;
  EXPECT_EQ(again->owed().size(), 1u);
}

}  // namespace
}  // namespace infergrid
