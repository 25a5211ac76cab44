#pragma once
// ledger_schema: the SQLite schema as numbered migrations (PRAGMA user_version is the version
// applied). Append a migration to change the schema; never edit one that has shipped.
#include "actors/settlement/ledger/sqlite.hpp"

namespace infergrid::ledger {

inline constexpr std::int64_t schema_version_latest = 3;

// Applies every migration newer than the database's version, each in its own transaction.
status migrate(sqlite_db& db);

}  // namespace infergrid::ledger
