#pragma once
// stored_request_index: the ledger's request_index in its SQLite file — table escrow_requests
// (request_id, seq of the escrow entry), written in the transaction of the entry that escrows the
// request. An indexed lookup answers "escrowed before entry seq"; nothing is held in memory, so the
// settlement actor's memory does not grow with the requests it has served.
#include <cstdint>
#include <memory>
#include <string_view>

#include "actors/settlement/ledger/ledger_store.hpp"
#include "actors/settlement/ledger/request_index.hpp"

namespace infergrid::ledger {

class stored_request_index final : public request_index {
 public:
  // Prepares the lookups on `store`'s database; a ledger written before the table existed has its
  // escrow entries indexed first (once, in one transaction). The statements outlive moves of the
  // store, not its closing: the owner destroys this index before the store.
  static result<std::unique_ptr<stored_request_index>> open(ledger_store& store);

  result<bool> escrowed_before(std::string_view request_id, std::uint64_t seq) override;
  status record(std::string_view request_id, std::uint64_t seq) override;
  // Entries up to `seq` are already in the table (a replay of committed entries): record() skips them.
  void indexed_through(std::uint64_t seq) { indexed_through_ = seq; }

 private:
  stored_request_index() = default;
  sqlite_statement select_;
  sqlite_statement insert_;
  std::uint64_t indexed_through_ = 0;
};

// Rows of escrow_requests and escrow entries in the log: equal when the index is whole (verify).
struct request_index_count {
  std::int64_t rows = 0;
  bool filled = false;  // false: a ledger written before the table, not opened since (not filled yet)
};
result<request_index_count> count_request_index(ledger_store& store);

}  // namespace infergrid::ledger
