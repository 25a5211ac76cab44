#include "actors/settlement/ledger/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace infergrid::ledger {
namespace {

// Every SQLite failure is the store's (io_error), a broken constraint included: the ledger checks
// its rules before it writes, so a constraint that still fails means the file disagrees with the
// state (a damaged or hand-edited ledger), and the ledger must abort the batch and rebuild its state
// from the file, as for any write that failed (ledger::submit) — not answer "conflict" and go on
// with a state that applied what the file did not keep.
error sqlite_error(sqlite3* db, int code, std::string_view what) {
  return make_error(error_code::io_error, "sqlite " + std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code)));
}

}  // namespace

sqlite_statement::sqlite_statement(sqlite_statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), statement_(std::exchange(other.statement_, nullptr)) {}

sqlite_statement& sqlite_statement::operator=(sqlite_statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = std::exchange(other.db_, nullptr);
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

sqlite_statement::~sqlite_statement() { sqlite3_finalize(statement_); }

status sqlite_statement::bind(int index, std::int64_t value) {
  const int code = sqlite3_bind_int64(statement_, index, value);
  if (code != SQLITE_OK) return sqlite_error(db_, code, "bind");
  return {};
}

status sqlite_statement::bind(int index, std::string_view text) {
  const int code = sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (code != SQLITE_OK) return sqlite_error(db_, code, "bind");
  return {};
}

status sqlite_statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  // A zero-length blob must still be a blob, not NULL: pass a non-null pointer.
  static const std::uint8_t empty = 0;
  const int code = sqlite3_bind_blob(statement_, index, bytes.empty() ? &empty : bytes.data(),
                                     static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (code != SQLITE_OK) return sqlite_error(db_, code, "bind");
  return {};
}

result<bool> sqlite_statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  auto failure = sqlite_error(db_, code, "step");
  sqlite3_reset(statement_);
  return failure;
}

status sqlite_statement::run() {
  auto stepped = step();
  reset();
  if (!stepped) return stepped.err();
  return {};
}

void sqlite_statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::int64_t sqlite_statement::column_int(int column) const { return sqlite3_column_int64(statement_, column); }

std::string sqlite_statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column))) : std::string();
}

std::vector<std::uint8_t> sqlite_statement::column_blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return data ? std::vector<std::uint8_t>(data, data + size) : std::vector<std::uint8_t>();
}

result<sqlite_db> sqlite_db::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                   nullptr);
  if (code != SQLITE_OK) {
    auto failure = sqlite_error(db, code, "open " + path);
    sqlite3_close(db);
    return failure;
  }
  sqlite3_busy_timeout(db, 5'000);  // another process (the CLI) may hold the write lock briefly
  return sqlite_db(db);
}

sqlite_db::sqlite_db(sqlite_db&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

sqlite_db& sqlite_db::operator=(sqlite_db&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

sqlite_db::~sqlite_db() { sqlite3_close_v2(db_); }

status sqlite_db::exec(const std::string& sql) {
  char* message = nullptr;
  const int code = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    auto failure = make_error(error_code::io_error, "sqlite exec: " + std::string(message ? message : sqlite3_errstr(code)));
    sqlite3_free(message);
    return failure;
  }
  return {};
}

result<sqlite_statement> sqlite_db::prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (code != SQLITE_OK) return sqlite_error(db_, code, "prepare");
  return sqlite_statement(db_, statement);
}

result<std::int64_t> sqlite_db::query_int(const std::string& sql) {
  auto statement = prepare(sql);
  if (!statement) return statement.err();
  auto row = statement->step();
  if (!row) return row.err();
  if (!*row) return make_error(error_code::not_found, "no row for: " + sql);
  return statement->column_int(0);
}

}  // namespace infergrid::ledger
