#include "actors/settlement/ledger/ledger_schema.hpp"

#include <array>

namespace infergrid::ledger {
namespace {

struct migration {
  std::int64_t version;
  const char* sql;
};

constexpr std::array<migration, 3> migrations{{
    {1, R"sql(
      CREATE TABLE entries(
        seq INTEGER PRIMARY KEY, prev_hash BLOB NOT NULL, op_id TEXT NOT NULL UNIQUE, cause_id TEXT NOT NULL,
        op_bytes BLOB NOT NULL, outcome_bytes BLOB NOT NULL, signer BLOB NOT NULL, signature BLOB NOT NULL,
        hash BLOB NOT NULL);
      CREATE TABLE accounts(
        id TEXT PRIMARY KEY, kind INTEGER NOT NULL, balance_micro INTEGER NOT NULL, staked_micro INTEGER NOT NULL,
        unbonding_micro INTEGER NOT NULL, escrowed_micro INTEGER NOT NULL, first_stake_epoch INTEGER NOT NULL);
      CREATE TABLE account_entries(account TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(account, seq))
        WITHOUT ROWID;
      CREATE TABLE epochs(epoch INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, root_hash BLOB NOT NULL);
      CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
    )sql"},
    {2, R"sql(
      CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
      CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
    )sql"},
    // Every escrowed request id and the entry that escrowed it (stored_request_index.hpp); filled
    // from the entries once when a ledger written before it is first opened.
    {3, R"sql(
      CREATE TABLE escrow_requests(request_id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
    )sql"},
}};

}  // namespace

status migrate(sqlite_db& db) {
  auto version = db.query_int("PRAGMA user_version");
  if (!version) return version.err();
  if (*version > schema_version_latest) {
    return make_error(error_code::unsupported, "ledger schema version " + std::to_string(*version) +
                                                   " is newer than this binary's " +
                                                   std::to_string(schema_version_latest));
  }
  for (const migration& m : migrations) {
    if (m.version <= *version) continue;
    IG_TRY(db.exec("BEGIN IMMEDIATE"));
    status applied = db.exec(m.sql);
    if (applied) applied = db.exec("PRAGMA user_version = " + std::to_string(m.version));
    if (!applied) {
      (void)db.exec("ROLLBACK");
      return make_error(error_code::io_error, "migration " + std::to_string(m.version) + ": " + applied.err().message);
    }
    IG_TRY(db.exec("COMMIT"));
  }
  return {};
}

}  // namespace infergrid::ledger
