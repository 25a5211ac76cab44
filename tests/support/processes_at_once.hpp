#pragma once
// processes_at_once: runs `body` in `count` forked processes released together (each blocks on one
// pipe until the parent closes it, after forking them all), and returns what each body returned, in
// fork order — for tests of what several real processes do when they race for one file.
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

namespace infergrid::testing {

inline std::vector<std::string> processes_at_once(int count, const std::function<std::string()>& body) {
  int go[2];
  if (::pipe(go) != 0) return {};
  std::vector<pid_t> children;
  std::vector<int> answers;
  for (int i = 0; i < count; ++i) {
    int answer[2];
    if (::pipe(answer) != 0) break;
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(answer[0]);
      ::close(answer[1]);
      break;  // fewer answers than asked: the caller's count check fails
    }
    if (pid == 0) {
      ::close(go[1]);
      char none = 0;
      while (::read(go[0], &none, 1) > 0) {
      }  // EOF: every process is forked, all start now
      const std::string said = body();
      [[maybe_unused]] const ssize_t n = ::write(answer[1], said.data(), said.size());
      ::_exit(0);
    }
    ::close(answer[1]);
    children.push_back(pid);
    answers.push_back(answer[0]);
  }
  ::close(go[0]);
  ::close(go[1]);
  std::vector<std::string> said;
  for (std::size_t i = 0; i < children.size(); ++i) {
    std::string text;
    char buffer[256];
    for (ssize_t n; (n = ::read(answers[i], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(answers[i]);
    int ignored = 0;
    ::waitpid(children[i], &ignored, 0);
    said.push_back(text);
  }
  return said;
}

}  // namespace infergrid::testing
