// Crash test: a child process streams acknowledged payments into a durable ledger; it is killed
// with SIGKILL mid-stream, restarted on the same file to finish, and then the chain must verify
// and every operation acknowledged before the kill must be recorded exactly once.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "actors/settlement/ledger/ledger.hpp"
#include "actors/settlement/ledger/ledger_test_support.hpp"
#include "actors/settlement/ledger/ledger_verify.hpp"

namespace infergrid::ledger {
namespace {

constexpr int requests_total = 600;
constexpr int acknowledged_before_kill = 120;
constexpr auto child_deadline = std::chrono::seconds(60);

struct child_run {
  std::vector<std::string> acknowledged;
  bool killed = false;
  int exit_code = -1;
};

// Runs the writer; if kill_after > 0, sends SIGKILL once that many op ids were acknowledged.
child_run run_writer(const std::string& db, int kill_after) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    const std::string count = std::to_string(requests_total);
    ::execl(LEDGER_CRASH_WRITER, LEDGER_CRASH_WRITER, db.c_str(), count.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  child_run run;
  FILE* out = ::fdopen(pipe_fds[0], "r");
  char line[256];
  const auto deadline = std::chrono::steady_clock::now() + child_deadline;
  while (std::chrono::steady_clock::now() < deadline && std::fgets(line, sizeof line, out) != nullptr) {
    std::string id(line);
    if (!id.empty() && id.back() == '\n') id.pop_back();
    run.acknowledged.push_back(id);
    if (kill_after > 0 && !run.killed && static_cast<int>(run.acknowledged.size()) >= kill_after) {
      ::kill(pid, SIGKILL);
      run.killed = true;  // keep reading: lines written before the kill are acknowledged too
    }
  }
  std::fclose(out);
  int wait_status = 0;
  ::waitpid(pid, &wait_status, 0);
  run.exit_code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -WTERMSIG(wait_status);
  return run;
}

TEST(ledger_crash, kill_9_mid_stream_loses_and_duplicates_nothing_acknowledged) {
  testing::temp_dir dir("ledger-crash");
  const std::string db = dir.file("ledger.db");
  const child_run crashed = run_writer(db, acknowledged_before_kill);
  ASSERT_TRUE(crashed.killed);
  ASSERT_EQ(crashed.exit_code, -SIGKILL);
  ASSERT_GE(crashed.acknowledged.size(), static_cast<std::size_t>(acknowledged_before_kill));
  ASSERT_LT(crashed.acknowledged.size(), static_cast<std::size_t>(2 * requests_total)) << "killed too late";

  auto after_crash = verify_ledger(db);
  ASSERT_TRUE(after_crash.ok()) << after_crash.err().message;

  const child_run restarted = run_writer(db, 0);
  ASSERT_EQ(restarted.exit_code, 0);
  ASSERT_EQ(restarted.acknowledged.size(), static_cast<std::size_t>(2 * requests_total));

  auto report = verify_ledger(db);
  ASSERT_TRUE(report.ok()) << report.err().message;
  EXPECT_EQ(report->entries, static_cast<std::uint64_t>(2 + 2 * requests_total));  // no duplicate entry
  EXPECT_EQ(report->open_escrows, 0u);
  auto opened = ledger::open(ledger_options{.path = db, .use_stored_config = true}, testing::key(1));
  ASSERT_TRUE(opened.ok()) << opened.err().message;
  std::set<std::uint64_t> seqs;
  for (const std::string& op_id : crashed.acknowledged) {
    auto found = opened->store().find_op(op_id);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value()) << op_id << " was acknowledged but is not in the ledger";
    EXPECT_TRUE(seqs.insert((*found)->seq).second);
  }
}

}  // namespace
}  // namespace infergrid::ledger
