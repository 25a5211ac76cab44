#pragma once
// descriptor_budget: how many connections a node's tcp port may hold before the process runs out
// of file descriptors. libzmq 4.3.4 retries a failed accept at once while its backlog holds a
// connection: at EMFILE a flood of connections had the node spin on accept (1.5 s of CPU in 5 s
// with 192 connections against a limit of 96) until they closed, and accept nothing. So the port
// monitor shuts a connection accepted beyond this budget (exempt clients included), keeping the
// process's descriptors below its limit: the process's soft limit (RLIMIT_NOFILE) less the
// descriptors open when the port starts and a reserve for the node's own sockets and files
// (a quarter of the limit, at least min_reserved).
#include <cstddef>
#include <cstdint>

namespace infergrid {

struct descriptor_budget {
  static constexpr std::int64_t min_reserved = 64;
  std::int64_t limit = 0;          // RLIMIT_NOFILE's soft limit (0: none known)
  std::int64_t open_at_start = 0;  // descriptors open when the port started
  std::int64_t reserved = 0;
  // Connections the port may hold (0: no budget, the limit being unknown or infinite; at least 1).
  std::int64_t connections() const;

  // This process's, now.
  static descriptor_budget of_this_process();
};

// The process's soft limit on file descriptors (RLIMIT_NOFILE), at most `cap`.
std::size_t descriptor_limit(std::size_t cap);

}  // namespace infergrid
