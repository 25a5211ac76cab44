#include "runtime/owed_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>

#include <msgpack.hpp>

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

error io_failure(const std::string& what, const std::string& path) {
  return make_error(error_code::io_error, what + " " + path + ": " + std::strerror(errno));
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
  std::ifstream file(path, std::ios::binary);
  if (file) {
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    msgpack::unpacker in;
    in.reserve_buffer(bytes.size());
    std::memcpy(in.buffer(), bytes.data(), bytes.size());
    in.buffer_consumed(bytes.size());
    try {
      msgpack::object_handle record;
      while (in.next(record) && apply_record(record.get(), journal.owed_)) {
      }
    } catch (const std::exception&) {
      // A record cut short or garbled by a crash: what was read before it stands.
    }
  }
  while (journal.owed_.size() > settings.max_owed) journal.owed_.erase(journal.owed_.begin());
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
      answered_since_rewrite_(other.answered_since_rewrite_) {}

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
  return *this;
}

owed_journal::~owed_journal() {
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing the lock's only descriptor drops the flock
}

result<std::uint64_t> owed_journal::add(const std::string& key, std::uint16_t kind, std::vector<std::uint8_t> body) {
  if (owed_.size() >= settings_.max_owed) {
    return make_error(error_code::too_large, std::to_string(owed_.size()) + " owed requests are journaled already");
  }
  const std::uint64_t id = next_id_;
  owed_request r{id, key, kind, std::move(body)};
  IG_TRY(append(owed_record(r)));
  ++next_id_;
  owed_[id] = std::move(r);
  return id;
}

status owed_journal::answered(std::uint64_t id) {
  if (owed_.erase(id) == 0) return {};
  ++answered_since_rewrite_;
  if (answered_since_rewrite_ >= settings_.compact_after && answered_since_rewrite_ > owed_.size()) return rewrite();
  return append(answered_record(id));
}

std::vector<owed_request> owed_journal::owed() const {
  std::vector<owed_request> out;
  out.reserve(owed_.size());
  for (const auto& [id, r] : owed_) out.push_back(r);
  return out;
}

status owed_journal::append(const std::vector<std::uint8_t>& record) {
  if (fd_ < 0) return make_error(error_code::io_error, "owed journal " + path_ + " is not open");
  std::size_t written = 0;
  while (written < record.size()) {
    const ssize_t n = ::write(fd_, record.data() + written, record.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_failure("cannot append to the owed journal", path_);
    written += static_cast<std::size_t>(n);
  }
  return {};
}

status owed_journal::rewrite() {
  std::string text;
  for (const auto& [id, r] : owed_) {
    const std::vector<std::uint8_t> record = owed_record(r);
    text.append(record.begin(), record.end());
  }
  IG_TRY(replace_file(path_, text));
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return io_failure("cannot open the owed journal", path_);
  answered_since_rewrite_ = 0;
  return {};
}

}  // namespace infergrid
