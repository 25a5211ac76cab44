#include "actors/settlement/ledger/ledger_store.hpp"

#include <algorithm>
#include <limits>

#include "actors/settlement/ledger/ledger_schema.hpp"

namespace infergrid::ledger {
namespace {

constexpr const char* entry_columns = "seq, prev_hash, op_id, cause_id, op_bytes, outcome_bytes, signer, signature, hash";

// Fixed-size blob column → array; a wrong size (a tampered row) leaves the array zeroed, which
// then fails the hash or signature check with the entry's seq named.
template <std::size_t size>
std::array<std::uint8_t, size> fixed(const std::vector<std::uint8_t>& bytes) {
  std::array<std::uint8_t, size> out{};
  if (bytes.size() == size) std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

entry read_entry(const sqlite_statement& s) {
  entry e;
  e.seq = static_cast<std::uint64_t>(s.column_int(0));
  e.prev_hash = fixed<32>(s.column_blob(1));
  e.op_id = s.column_text(2);
  e.cause_id = s.column_text(3);
  e.op_bytes = s.column_blob(4);
  e.outcome_bytes = s.column_blob(5);
  e.signer = fixed<32>(s.column_blob(6));
  e.sig = fixed<64>(s.column_blob(7));
  e.hash = fixed<32>(s.column_blob(8));
  return e;
}

account read_account_row(const sqlite_statement& s, int first) {
  account a;
  a.kind = static_cast<account_kind>(s.column_int(first));
  a.balance_micro = s.column_int(first + 1);
  a.staked_micro = s.column_int(first + 2);
  a.unbonding_micro = s.column_int(first + 3);
  a.escrowed_micro = s.column_int(first + 4);
  a.first_stake_epoch = s.column_int(first + 5);
  return a;
}

}  // namespace

result<ledger_store> ledger_store::open(const std::string& path, bool durable) {
  auto db = sqlite_db::open(path);
  if (!db) return db.err();
  IG_TRY(db->exec("PRAGMA journal_mode=WAL"));
  IG_TRY(db->exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF"));
  IG_TRY(migrate(*db));
  ledger_store store(std::move(*db));
  IG_TRY(store.prepare_all());
  return store;
}

status ledger_store::prepare_all() {
  const std::string columns = entry_columns;
  auto assign = [this](sqlite_statement& target, const std::string& sql) -> status {
    auto statement = db_.prepare(sql);
    if (!statement) return statement.err();
    target = std::move(*statement);
    return {};
  };
  IG_TRY(assign(insert_entry_, "INSERT INTO entries(" + columns + ") VALUES(?,?,?,?,?,?,?,?,?)"));
  IG_TRY(assign(insert_account_entry_, "INSERT OR IGNORE INTO account_entries(account, seq) VALUES(?,?)"));
  IG_TRY(assign(upsert_account_,
                "INSERT INTO accounts(id, kind, balance_micro, staked_micro, unbonding_micro, escrowed_micro, "
                "first_stake_epoch) VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, "
                "balance_micro=excluded.balance_micro, staked_micro=excluded.staked_micro, "
                "unbonding_micro=excluded.unbonding_micro, escrowed_micro=excluded.escrowed_micro, "
                "first_stake_epoch=excluded.first_stake_epoch"));
  IG_TRY(assign(select_op_, "SELECT " + columns + " FROM entries WHERE op_id = ?"));
  IG_TRY(assign(select_last_, "SELECT " + columns + " FROM entries ORDER BY seq DESC LIMIT 1"));
  IG_TRY(assign(select_account_, "SELECT kind, balance_micro, staked_micro, unbonding_micro, escrowed_micro, "
                                 "first_stake_epoch FROM accounts WHERE id = ?"));
  return {};
}

status ledger_store::begin() { return db_.exec("BEGIN IMMEDIATE"); }
status ledger_store::commit() { return db_.exec("COMMIT"); }
void ledger_store::rollback() { (void)db_.exec("ROLLBACK"); }
status ledger_store::begin_snapshot() { return db_.exec("BEGIN DEFERRED"); }

status ledger_store::append(const entry& e, const std::vector<std::string>& involved_accounts) {
  sqlite_statement& s = insert_entry_;
  IG_TRY(s.bind(1, static_cast<std::int64_t>(e.seq)));
  IG_TRY(s.bind_blob(2, e.prev_hash));
  IG_TRY(s.bind(3, e.op_id));
  IG_TRY(s.bind(4, e.cause_id));
  IG_TRY(s.bind_blob(5, e.op_bytes));
  IG_TRY(s.bind_blob(6, e.outcome_bytes));
  IG_TRY(s.bind_blob(7, e.signer));
  IG_TRY(s.bind_blob(8, e.sig));
  IG_TRY(s.bind_blob(9, e.hash));
  IG_TRY(s.run());
  for (const std::string& id : involved_accounts) {
    IG_TRY(insert_account_entry_.bind(1, id));
    IG_TRY(insert_account_entry_.bind(2, static_cast<std::int64_t>(e.seq)));
    IG_TRY(insert_account_entry_.run());
  }
  return {};
}

status ledger_store::write_account(const std::string& id, const account& a) {
  sqlite_statement& s = upsert_account_;
  IG_TRY(s.bind(1, id));
  IG_TRY(s.bind(2, static_cast<std::int64_t>(a.kind)));
  IG_TRY(s.bind(3, a.balance_micro));
  IG_TRY(s.bind(4, a.staked_micro));
  IG_TRY(s.bind(5, a.unbonding_micro));
  IG_TRY(s.bind(6, a.escrowed_micro));
  IG_TRY(s.bind(7, a.first_stake_epoch));
  return s.run();
}

status ledger_store::write_epoch_root(const epoch_root& root) {
  auto s = db_.prepare("INSERT INTO epochs(epoch, last_seq, root_hash) VALUES(?,?,?)");
  if (!s) return s.err();
  IG_TRY(s->bind(1, root.epoch));
  IG_TRY(s->bind(2, static_cast<std::int64_t>(root.last_seq)));
  IG_TRY(s->bind_blob(3, root.root_hash));
  return s->run();
}

result<std::optional<entry>> ledger_store::one_entry(sqlite_statement& statement) {
  auto row = statement.step();
  if (!row) return row.err();
  std::optional<entry> found;
  if (*row) found = read_entry(statement);
  statement.reset();
  return found;
}

result<std::optional<entry>> ledger_store::find_op(const std::string& op_id) {
  IG_TRY(select_op_.bind(1, op_id));
  return one_entry(select_op_);
}

result<std::optional<entry>> ledger_store::last_entry() { return one_entry(select_last_); }

status ledger_store::scan(std::uint64_t from_seq, const std::function<status(const entry&)>& visit) {
  auto s = db_.prepare("SELECT " + std::string(entry_columns) + " FROM entries WHERE seq >= ? ORDER BY seq");
  if (!s) return s.err();
  IG_TRY(s->bind(1, static_cast<std::int64_t>(from_seq)));
  for (std::uint64_t visited = 0; visited < entries_scan_max; ++visited) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) return {};
    IG_TRY(visit(read_entry(*s)));
  }
  return make_error(error_code::too_large, "ledger has more entries than a scan may visit");
}

result<std::vector<entry>> ledger_store::read_range(std::uint64_t from_seq, std::uint64_t count) {
  auto s = db_.prepare("SELECT " + std::string(entry_columns) + " FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?");
  if (!s) return s.err();
  IG_TRY(s->bind(1, static_cast<std::int64_t>(from_seq)));
  IG_TRY(s->bind(2, static_cast<std::int64_t>(count)));
  std::vector<entry> out;
  for (std::uint64_t visited = 0; visited < count; ++visited) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) break;
    out.push_back(read_entry(*s));
  }
  return out;
}

result<std::optional<account>> ledger_store::read_account(const std::string& id) {
  IG_TRY(select_account_.bind(1, id));
  auto row = select_account_.step();
  if (!row) return row.err();
  std::optional<account> found;
  if (*row) found = read_account_row(select_account_, 0);
  select_account_.reset();
  return found;
}

result<std::vector<std::pair<std::string, account>>> ledger_store::read_accounts() {
  auto s = db_.prepare("SELECT id, kind, balance_micro, staked_micro, unbonding_micro, escrowed_micro, "
                       "first_stake_epoch FROM accounts ORDER BY id");
  if (!s) return s.err();
  std::vector<std::pair<std::string, account>> out;
  for (std::uint64_t visited = 0; visited < entries_scan_max; ++visited) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) break;
    out.emplace_back(s->column_text(0), read_account_row(*s, 1));
  }
  return out;
}

result<std::vector<entry>> ledger_store::history(const std::string& account_id, std::int64_t limit,
                                                  std::uint64_t before_seq) {
  auto s = db_.prepare("SELECT e.seq, e.prev_hash, e.op_id, e.cause_id, e.op_bytes, e.outcome_bytes, e.signer, "
                       "e.signature, e.hash FROM account_entries a JOIN entries e ON e.seq = a.seq "
                       "WHERE a.account = ? AND a.seq < ? ORDER BY a.seq DESC LIMIT ?");
  if (!s) return s.err();
  IG_TRY(s->bind(1, account_id));
  IG_TRY(s->bind(2, before_seq > 0 ? static_cast<std::int64_t>(before_seq) : std::numeric_limits<std::int64_t>::max()));
  IG_TRY(s->bind(3, limit));
  std::vector<entry> out;
  for (std::int64_t visited = 0; visited < limit; ++visited) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) break;
    out.push_back(read_entry(*s));
  }
  return out;
}

result<std::vector<epoch_root>> ledger_store::epoch_roots() {
  auto s = db_.prepare("SELECT epoch, last_seq, root_hash FROM epochs ORDER BY epoch");
  if (!s) return s.err();
  std::vector<epoch_root> out;
  for (std::uint64_t visited = 0; visited < entries_scan_max; ++visited) {
    auto row = s->step();
    if (!row) return row.err();
    if (!*row) break;
    out.push_back(epoch_root{s->column_int(0), static_cast<std::uint64_t>(s->column_int(1)), fixed<32>(s->column_blob(2))});
  }
  return out;
}

result<std::optional<byte_vector>> ledger_store::meta(const std::string& key) {
  auto s = db_.prepare("SELECT value FROM meta WHERE key = ?");
  if (!s) return s.err();
  IG_TRY(s->bind(1, key));
  auto row = s->step();
  if (!row) return row.err();
  if (!*row) return std::optional<byte_vector>();
  return std::optional<byte_vector>(s->column_blob(0));
}

status ledger_store::set_meta(const std::string& key, const byte_vector& value) {
  auto s = db_.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?,?)");
  if (!s) return s.err();
  IG_TRY(s->bind(1, key));
  IG_TRY(s->bind_blob(2, value));
  return s->run();
}

}  // namespace infergrid::ledger
