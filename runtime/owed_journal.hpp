#pragma once
// owed_journal: the requests an actor owes (runtime/retried_requests: a matchmaker's receipts,
// partial claims and refunds for settlement) kept in a small file as well as in memory, so that a
// process killed before they were answered sends them again when it starts. The receiver must
// take a request twice as once (settlement does: every such request carries a fixed op id).
//
// The file is a sequence of MessagePack records, appended: [0, id, key, kind, body] when a request
// is owed, [1, id] when it was answered. open() reads it, returns the owed requests not answered
// (oldest first), and writes it again with only those (replace_file: the old content or the new,
// never half). The last record may be cut short by a crash (a partial record, or zero bytes a
// machine crash can leave): it is dropped with a warning naming the file. Any other record that is
// not one this journal writes, or a read error, is an error naming the file and what is wrong, and
// the file is left as it is (nothing it owes is dropped silently). The file is compacted the same way whenever answered records outnumber the owed ones by
// compact_after. Records are written, not fsynced, unless settings.sync: by default they survive
// the process, not the machine.
// Bounded: add() refuses a request while max_owed are owed (too_large naming the file; the caller
// logs it and sends the request unjournaled). open() never drops what the file owes: a file holding
// more (written under a higher bound) is kept whole, with a warning, and sent again in full.
// One holder: open() takes an exclusive flock(2) on "<path>.lock" (the journal itself is replaced
// when rewritten, so it cannot carry the lock) and writes who holds it there; a second process or
// actor opening the same journal is refused, naming the file and the holder. Two senders sharing a
// journal would each resend, and mark answered, the other's requests. The kernel drops the lock
// when the holder exits, kill -9 included.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/result.hpp"

namespace infergrid {

struct owed_request {
  std::uint64_t id = 0;   // the journal's, increasing
  std::string key;        // the request id it settles (retried_requests' key)
  std::uint16_t kind = 0; // the message type of `body`
  std::vector<std::uint8_t> body;  // the message, MessagePack
};

struct owed_journal_settings {
  std::size_t max_owed = 65536;     // the most owed requests held (retried_requests' bound)
  std::size_t compact_after = 4096;  // answered records written before the file is rewritten
  // fdatasync(2) each owed record before add() returns (a rewrite syncs its file and folder either way), so what is
  // owed survives a machine crash too, not only the process; answered records are never synced
  // (losing one only sends its request again, which the receiver takes once). Off by default: a sync
  // cost ~4 ms per record on the disk measured (about a settlement round trip), on the actor's thread.
  bool sync = false;
};

class owed_journal {
 public:
  // Opens (or creates) the journal at `path` for `holder` (who the refusal of another opener names,
  // e.g. the actor's address); the owed requests it held are in owed(). conflict when another holds it.
  static result<owed_journal> open(const std::string& path, const std::string& holder, owed_journal_settings settings = {});
  owed_journal(owed_journal&& other) noexcept;
  owed_journal& operator=(owed_journal&& other) noexcept;
  owed_journal(const owed_journal&) = delete;
  owed_journal& operator=(const owed_journal&) = delete;
  ~owed_journal();

  // Records an owed request before it is sent; its journal id.
  result<std::uint64_t> add(const std::string& key, std::uint16_t kind, std::vector<std::uint8_t> body);
  // Records that request `id` was answered (it is not sent again after a restart).
  status answered(std::uint64_t id);
  // The requests owed and not answered, oldest first.
  std::vector<owed_request> owed() const;
  const std::string& path() const { return path_; }
  // The bytes dropped at open() as a last record cut short by a crash (0: none).
  std::size_t torn_tail_bytes() const { return torn_tail_bytes_; }
  // Owed records synced to disk so far (settings.sync).
  std::uint64_t synced_records() const { return synced_records_; }

 private:
  owed_journal(std::string path, owed_journal_settings settings) : path_(std::move(path)), settings_(settings) {}
  status append(const std::vector<std::uint8_t>& record, bool sync);
  status rewrite();  // the file again, with only the owed records; reopened for appending

  std::string path_;
  owed_journal_settings settings_;
  int fd_ = -1;
  int lock_fd_ = -1;  // "<path>.lock", flock'ed while this journal is open
  std::map<std::uint64_t, owed_request> owed_;
  std::uint64_t next_id_ = 1;
  std::size_t answered_since_rewrite_ = 0;
  std::size_t torn_tail_bytes_ = 0;
  std::uint64_t synced_records_ = 0;
};

}  // namespace infergrid
