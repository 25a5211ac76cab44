#pragma once
// replace_file: a small state file replaced whole and atomically — written to "<path>.tmp", fsynced,
// then renamed over `path` — so a reader after a crash sees the old content or the new, never half.
#include <string>

#include "runtime/result.hpp"

namespace infergrid {

// io_error naming the file when any step fails (the old content then stays).
status replace_file(const std::string& path, const std::string& text);

}  // namespace infergrid
