#include "runtime/owed_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <utility>

#include <msgpack.hpp>

#include "runtime/log.hpp"
#include "runtime/posix_io.hpp"
#include "runtime/replace_file.hpp"

namespace infergrid {
namespace {

constexpr std::uint8_t record_owed = 0;
constexpr std::uint8_t record_answered = 1;

std::vector<std::uint8_t> owed_record(const owed_request& r) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> out(buffer);
  out.pack_array(5);
  out.pack(record_owed), out.pack(r.id), out.pack(r.key), out.pack(r.kind), out.pack(r.body);
  return {buffer.data(), buffer.data() + buffer.size()};
}

std::vector<std::uint8_t> answered_record(std::uint64_t id) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> out(buffer);
  out.pack_array(2);
  out.pack(record_answered), out.pack(id);
  return {buffer.data(), buffer.data() + buffer.size()};
}

// Applies one record to `owed`; false for a record this journal never writes (the read stops).
bool apply_record(const msgpack::object& record, std::map<std::uint64_t, owed_request>& owed) {
  if (record.type != msgpack::type::ARRAY || record.via.array.size == 0) return false;
  const msgpack::object* field = record.via.array.ptr;
  try {
    const auto type = field[0].as<std::uint8_t>();
    if (type == record_owed && record.via.array.size == 5) {
      const auto id = field[1].as<std::uint64_t>();
      owed[id] = owed_request{id, field[2].as<std::string>(), field[3].as<std::uint16_t>(),
                              field[4].as<std::vector<std::uint8_t>>()};
      return true;
    }
    if (type == record_answered && record.via.array.size == 2) {
      owed.erase(field[1].as<std::uint64_t>());
      return true;
    }
  } catch (const std::exception&) {
  }
  return false;
}

// The whole file; empty when it does not exist yet. An error naming the file when it cannot be read
// (a read error must not look like the end of the journal: what follows would be lost).
result<std::string> read_journal(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::string();
    return io_failure("cannot open the owed journal", path);
  }
  std::string bytes;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int why = errno;
      ::close(fd);
      errno = why;
      return io_failure("cannot read the owed journal", path);
    }
    if (n == 0) break;
    bytes.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return bytes;
}

// Applies the journal's records to `owed`; the count of bytes at its end that were dropped as a
// record cut short by a crash (a partial record, or zero bytes as a machine crash can leave after
// an append not yet on disk). Anything else that is not a record this journal writes is damage, not
// a crash: malformed_input naming the file, the record and its offset (nothing is dropped).
result<std::size_t> apply_records(const std::string& path, const std::string& bytes,
                                  std::map<std::uint64_t, owed_request>& owed) {
  const auto zeros_from = [&bytes](std::size_t offset) {
    return std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(), [](char c) { return c == 0; });
  };
  const auto damaged = [&](std::size_t record, std::size_t offset, const std::string& why) -> error {
    return make_error(error_code::malformed_input,
                      "the owed journal " + path + " is damaged: record " + std::to_string(record) + " at byte " +
                          std::to_string(offset) + " " + why + " (not a record cut short by a crash, which only "
                          "the last can be); the file is left as it is: move it aside to start without it, and what "
                          "it owes is not sent again");
  };
  std::size_t offset = 0;
  for (std::size_t record = 1; offset < bytes.size(); ++record) {
    const std::size_t at = offset;
    msgpack::object_handle parsed;
    try {
      parsed = msgpack::unpack(bytes.data(), bytes.size(), offset);
    } catch (const msgpack::insufficient_bytes&) {
      return bytes.size() - at;  // the last record, cut short
    } catch (const std::exception& e) {
      if (zeros_from(at)) return bytes.size() - at;
      return damaged(record, at, std::string("does not parse: ") + e.what());
    }
    if (!apply_record(parsed.get(), owed)) {
      if (zeros_from(at)) return bytes.size() - at;
      return damaged(record, at, "is not one this journal writes");
    }
  }
  return 0;
}

// Locks "<path>.lock" for `holder` and writes the holder there; conflict naming the one who has it.
result<int> lock_journal(const std::string& path, const std::string& holder) {
  const std::string lock_path = path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_failure("cannot open the owed journal's lock", lock_path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    std::ifstream lock_file(lock_path);
    const std::string other((std::istreambuf_iterator<char>(lock_file)), std::istreambuf_iterator<char>());
    ::close(fd);
    if (why != EWOULDBLOCK) {
      errno = why;
      return io_failure("cannot lock the owed journal", lock_path);
    }
    return make_error(error_code::conflict, "the owed journal " + path + " is in use by " +
                                                (other.empty() ? std::string("another process") : other) +
                                                " (lock " + lock_path + "): each matchmaker and bridge needs an "
                                                "owed_journal file of its own");
  }
  const std::string text = holder + ", pid " + std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    const int why = errno;
    ::close(fd);
    errno = why;
    return io_failure("cannot write the owed journal's lock", lock_path);
  }
  return fd;
}

}  // namespace

result<owed_journal> owed_journal::open(const std::string& path, const std::string& holder, owed_journal_settings settings) {
  owed_journal journal(path, settings);
  auto lock = lock_journal(path, holder);
  if (!lock.ok()) return lock.err();
  journal.lock_fd_ = *lock;
  auto bytes = read_journal(path);
  if (!bytes.ok()) return bytes.err();
  auto torn = apply_records(path, *bytes, journal.owed_);
  if (!torn.ok()) return torn.err();
  if (*torn > 0) {
    log(log_level::warn, holder, "owed journal {}: its last {} byte(s), a record cut short by a crash, dropped", path, *torn);
  }
  journal.torn_tail_bytes_ = *torn;
  // Over the bound (a lower max_owed than the file was written under): all are kept and sent again —
  // each is money owed — and add() refuses until fewer are owed.
  if (journal.owed_.size() > settings.max_owed) {
    log(log_level::warn, holder, "owed journal {}: {} owed requests, more than its bound of {}: all are sent again, and "
        "none more is journaled until fewer are owed", path, journal.owed_.size(), settings.max_owed);
  }
  if (!journal.owed_.empty()) journal.next_id_ = journal.owed_.rbegin()->first + 1;
  IG_TRY(journal.rewrite());
  return journal;
}

owed_journal::owed_journal(owed_journal&& other) noexcept
    : path_(std::move(other.path_)),
      settings_(other.settings_),
      fd_(std::exchange(other.fd_, -1)),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      owed_(std::move(other.owed_)),
      next_id_(other.next_id_),
      answered_since_rewrite_(other.answered_since_rewrite_),
      torn_tail_bytes_(other.torn_tail_bytes_),
      synced_records_(other.synced_records_) {}

owed_journal& owed_journal::operator=(owed_journal&& other) noexcept {
  if (this == &other) return *this;
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
  path_ = std::move(other.path_);
  settings_ = other.settings_;
  fd_ = std::exchange(other.fd_, -1);
  lock_fd_ = std::exchange(other.lock_fd_, -1);
  owed_ = std::move(other.owed_);
  next_id_ = other.next_id_;
  answered_since_rewrite_ = other.answered_since_rewrite_;
  torn_tail_bytes_ = other.torn_tail_bytes_;
  synced_records_ = other.synced_records_;
  return *this;
}

owed_journal::~owed_journal() {
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing the lock's only descriptor drops the flock
}

result<std::uint64_t> owed_journal::add(const std::string& key, std::uint16_t kind, std::vector<std::uint8_t> body) {
  if (owed_.size() >= settings_.max_owed) {
    return make_error(error_code::too_large, "the owed journal " + path_ + " holds " + std::to_string(owed_.size()) +
                                                 " unanswered requests, its bound: this one is kept in memory only "
                                                 "(lost if the process dies before it is answered)");
  }
  const std::uint64_t id = next_id_;
  owed_request r{id, key, kind, std::move(body)};
  IG_TRY(append(owed_record(r), settings_.sync));
  ++next_id_;
  owed_[id] = std::move(r);
  return id;
}

status owed_journal::answered(std::uint64_t id) {
  if (owed_.erase(id) == 0) return {};
  ++answered_since_rewrite_;
  if (answered_since_rewrite_ >= settings_.compact_after && answered_since_rewrite_ > owed_.size()) return rewrite();
  return append(answered_record(id), false);
}

std::vector<owed_request> owed_journal::owed() const {
  std::vector<owed_request> out;
  out.reserve(owed_.size());
  for (const auto& [id, r] : owed_) out.push_back(r);
  return out;
}

status owed_journal::append(const std::vector<std::uint8_t>& record, bool sync) {
  if (fd_ < 0) return make_error(error_code::io_error, "owed journal " + path_ + " is not open");
  if (!write_all(fd_, {reinterpret_cast<const char*>(record.data()), record.size()})) {
    return io_failure("cannot append to the owed journal", path_);
  }
  if (!sync) return {};
  if (::fdatasync(fd_) != 0) return io_failure("cannot sync the owed journal", path_);
  ++synced_records_;
  return {};
}

status owed_journal::rewrite() {
  std::string text;
  for (const auto& [id, r] : owed_) {
    const std::vector<std::uint8_t> record = owed_record(r);
    text.append(record.begin(), record.end());
  }
  IG_TRY(replace_file(path_, text, 0600));  // the folder synced too: appends never go to a lost file
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return io_failure("cannot open the owed journal", path_);
  answered_since_rewrite_ = 0;
  return {};
}

}  // namespace infergrid
