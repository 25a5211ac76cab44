#pragma once
// create_new_file: a file that must never replace one already there (a key: a second key at the same
// path would be a new identity, and whoever started with the first would lose it at the next restart).
// The text is written to a fresh temporary file in the same folder, fsynced, then hard-linked to
// `path` — link(2) fails when the name exists, atomically, so of two processes creating one path
// exactly one wins — and the folder is fsynced. A reader therefore sees no file or the whole file,
// never an empty or half-written one, even after a machine crash; and once this returned the file
// survives one. A crash between the temporary's write and its removal can leave "<path>.new-XXXXXX"
// behind (mode 0600, never read by anyone).
#include <sys/types.h>

#include <string>

#include "runtime/result.hpp"

namespace infergrid {

// The new file gets `mode` whatever the umask. `conflict` when `path` already exists (it is left as it
// was); io_error naming the file and the system's reason when another step fails. No temporary file is
// left behind by either.
status create_new_file(const std::string& path, const std::string& text, mode_t mode = 0600);

}  // namespace infergrid
