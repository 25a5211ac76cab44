#pragma once
// replace_file: a small state file replaced whole and atomically — written to "<path>.tmp", fsynced,
// renamed over `path`, then the folder fsynced — so a reader after a crash, even a machine crash, sees
// the old content or the new, never half, and never the old again once this returned.
#include <sys/types.h>

#include <string>

#include "runtime/result.hpp"

namespace infergrid {

// The new file gets `mode`. io_error naming the file and the system's reason when any step fails; the
// old content then stays and the temporary file is removed.
status replace_file(const std::string& path, const std::string& text, mode_t mode = 0644);

}  // namespace infergrid
