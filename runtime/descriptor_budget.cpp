#include "runtime/descriptor_budget.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace infergrid {

std::int64_t descriptor_budget::connections() const {
  if (limit <= 0) return 0;
  return std::max<std::int64_t>(limit - open_at_start - reserved, 1);
}

descriptor_budget descriptor_budget::of_this_process() {
  descriptor_budget out;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return out;
  out.limit = static_cast<std::int64_t>(limit.rlim_cur);
  std::error_code error;
  for (std::filesystem::directory_iterator entry("/proc/self/fd", error), end; !error && entry != end;
       entry.increment(error)) {
    ++out.open_at_start;
  }
  out.reserved = std::max(min_reserved, out.limit / 4);
  return out;
}

std::size_t descriptor_limit(std::size_t cap) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return cap;
  return std::min<std::size_t>(static_cast<std::size_t>(limit.rlim_cur), cap);
}

}  // namespace infergrid
