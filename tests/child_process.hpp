#pragma once
// child_process: a real OS process for multi-process tests — started with posix_spawn, its
// stderr captured to a file the test can search, stopped by signal, reaped with a deadline.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace infergrid::testing {

class child_process {
 public:
  // Starts `arguments[0]` with the rest as its arguments; stdout and stderr go to `log_path`.
  child_process(std::vector<std::string> arguments, std::string log_path);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  void send_signal(int signal_number);
  // The exit status once the process has exited within `timeout`, else nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // The first log line containing `needle`, polled until `timeout`.
  std::optional<std::string> wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const;
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_status_;
};

// A fresh temporary directory under /tmp, removed when the process exits unless a test failed (its
// configs and logs then stay for post-mortems).
std::string make_temp_dir();
void write_file(const std::string& path, const std::string& text);
// $INFERGRID_BINARY_DIR/actors/cli/infergrid
std::string infergrid_binary();

}  // namespace infergrid::testing
