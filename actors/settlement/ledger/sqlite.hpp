#pragma once
// sqlite: a thin RAII wrapper over the SQLite C API. Every SQLite failure becomes an io_error (or
// conflict for constraint violations) value here, at the boundary; nothing above sees an int code.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace infergrid::ledger {

class sqlite_statement {
 public:
  sqlite_statement() = default;
  sqlite_statement(sqlite_statement&& other) noexcept;
  sqlite_statement& operator=(sqlite_statement&& other) noexcept;
  ~sqlite_statement();

  // Parameters are 1-based, as in SQL.
  status bind(int index, std::int64_t value);
  status bind(int index, std::string_view text);
  status bind_blob(int index, std::span<const std::uint8_t> bytes);
  // Steps once: true when a row is available, false when done.
  result<bool> step();
  // Steps to completion (INSERT/UPDATE) and resets for reuse.
  status run();
  void reset();

  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  std::vector<std::uint8_t> column_blob(int column) const;

 private:
  friend class sqlite_db;
  sqlite_statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

class sqlite_db {
 public:
  static result<sqlite_db> open(const std::string& path);
  sqlite_db(sqlite_db&& other) noexcept;
  sqlite_db& operator=(sqlite_db&& other) noexcept;
  ~sqlite_db();

  status exec(const std::string& sql);
  result<sqlite_statement> prepare(const std::string& sql);
  result<std::int64_t> query_int(const std::string& sql);

 private:
  explicit sqlite_db(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace infergrid::ledger
