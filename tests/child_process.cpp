#include "tests/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern char** environ;

namespace infergrid::testing {
namespace {

// How often waits poll the child's state or log.
constexpr std::chrono::milliseconds poll_interval{10};

}  // namespace

child_process::child_process(std::vector<std::string> arguments, std::string log_path) : log_path_(std::move(log_path)) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

child_process::~child_process() {
  if (pid_ > 0 && !exit_status_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void child_process::send_signal(int signal_number) {
  if (pid_ > 0 && !exit_status_) ::kill(pid_, signal_number);
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_status_ && pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(poll_interval);
  }
  return exit_status_;
}

std::string child_process::log() const {
  std::ifstream file(log_path_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::optional<std::string> child_process::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::istringstream lines(log());
    for (std::string line; std::getline(lines, line);) {
      if (line.find(needle) != std::string::npos) return line;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(poll_interval);
  }
}

namespace {

// The directories make_temp_dir made, removed when the test process exits unless a test failed
// (their configs and logs then stay to be read). Made at the first make_temp_dir, inside a test, so
// it goes before gtest's UnitTest does.
struct temp_dirs {
  std::vector<std::string> paths;
  ~temp_dirs() {
    if (::testing::UnitTest::GetInstance()->Failed()) return;
    for (const std::string& path : paths) {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  }
};

temp_dirs& made_temp_dirs() {
  static temp_dirs dirs;
  return dirs;
}

}  // namespace

std::string make_temp_dir() {
  std::string pattern = "/tmp/infergrid-test-XXXXXX";
  const char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) return "/tmp";
  made_temp_dirs().paths.emplace_back(made);
  return made;
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::string infergrid_binary() {
  const char* build = std::getenv("INFERGRID_BINARY_DIR");
  return std::string(build == nullptr ? "build" : build) + "/actors/cli/infergrid";
}

}  // namespace infergrid::testing
