#pragma once
// ledger_store: the ledger's SQLite tables behind typed calls with prepared statements —
// entries (append-only chain), escrow_requests (stored_request_index.hpp), accounts (current balances, written in the same transaction as the
// entries that changed them), account_entries (history index), epochs (published roots), meta.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/settlement/ledger/entry.hpp"
#include "actors/settlement/ledger/ledger_state.hpp"
#include "actors/settlement/ledger/sqlite.hpp"

namespace infergrid::ledger {

// Upper bound on entries any single scan visits (loops over the chain are bounded by it).
inline constexpr std::uint64_t entries_scan_max = 1'000'000'000;

struct epoch_root {
  std::int64_t epoch = 0;
  std::uint64_t last_seq = 0;
  digest root_hash{};
};

class ledger_store {
 public:
  // Opens (creating and migrating) the database. durable: synchronous=FULL, else OFF.
  static result<ledger_store> open(const std::string& path, bool durable);

  status begin();
  status commit();
  void rollback();
  // A read transaction (deferred, WAL): every read until rollback() sees the same snapshot, while a
  // writer in another process goes on committing (verify reading a ledger a running actor writes).
  status begin_snapshot();

  status append(const entry& e, const std::vector<std::string>& involved_accounts);
  status write_account(const std::string& id, const account& a);
  status write_epoch_root(const epoch_root& root);
  // The entry recorded under op_id, if any.
  result<std::optional<entry>> find_op(const std::string& op_id);
  // Visits entries with seq >= from_seq in order; stops at the first error the visitor returns.
  status scan(std::uint64_t from_seq, const std::function<status(const entry&)>& visit);
  // Up to `count` entries with seq >= from_seq, in order.
  result<std::vector<entry>> read_range(std::uint64_t from_seq, std::uint64_t count);
  result<std::optional<entry>> last_entry();
  result<std::optional<account>> read_account(const std::string& id);
  result<std::vector<std::pair<std::string, account>>> read_accounts();
  // The newest `limit` entries that touched the account, newest first; with before_seq > 0 only
  // those with seq < before_seq.
  result<std::vector<entry>> history(const std::string& account_id, std::int64_t limit, std::uint64_t before_seq = 0);
  result<std::vector<epoch_root>> epoch_roots();
  result<std::optional<byte_vector>> meta(const std::string& key);
  status set_meta(const std::string& key, const byte_vector& value);
  // A statement on this database for a table the store does not wrap itself (stored_request_index).
  result<sqlite_statement> prepare(const std::string& sql) { return db_.prepare(sql); }

 private:
  explicit ledger_store(sqlite_db db) : db_(std::move(db)) {}
  status prepare_all();
  result<std::optional<entry>> one_entry(sqlite_statement& statement);

  sqlite_db db_;
  sqlite_statement insert_entry_;
  sqlite_statement insert_account_entry_;
  sqlite_statement upsert_account_;
  sqlite_statement select_op_;
  sqlite_statement select_last_;
  sqlite_statement select_account_;
};

}  // namespace infergrid::ledger
