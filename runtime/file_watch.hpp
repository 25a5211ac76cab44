#pragma once
// file_watch: tells whether a file changed since it was last looked at — its modification time,
// size or inode (a file replaced by rename, as editors and `infergrid keys` write, is a change).
// Polled by an actor's timer; a file that is gone counts as a change when it comes back.
#include <cstdint>
#include <string>

namespace infergrid {

class file_watch {
 public:
  explicit file_watch(std::string path);  // remembers the file as it is now
  // True once per change seen since the last call (or since construction).
  bool changed();
  const std::string& path() const { return path_; }

 private:
  struct stamp {
    std::int64_t mtime_ns = -1;
    std::int64_t size = -1;
    std::uint64_t inode = 0;
    bool operator==(const stamp&) const = default;
  };
  stamp read() const;

  std::string path_;
  stamp last_;
};

}  // namespace infergrid
