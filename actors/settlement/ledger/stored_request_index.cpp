#include "actors/settlement/ledger/stored_request_index.hpp"

#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid::ledger {
namespace {

// meta key set once escrow_requests holds every escrow entry (at creation, or after the fill).
constexpr const char* filled_key = "escrow_requests_filled";

result<bool> filled(ledger_store& store) {
  auto marker = store.meta(filled_key);
  if (!marker) return marker.err();
  return marker->has_value();
}

// Indexes the escrow entries of a ledger written before escrow_requests existed.
status fill(ledger_store& store, sqlite_statement& insert) {
  IG_TRY(store.begin());
  status scanned = store.scan(1, [&insert](const entry& e) -> status {
    auto op = decode_operation(e.op_bytes);
    if (!op) return make_error(op.err().code, "entry " + std::to_string(e.seq) + ": " + op.err().message);
    const auto* escrow = std::get_if<escrow_op>(&*op);
    if (escrow == nullptr) return {};
    IG_TRY(insert.bind(1, escrow->request_id));
    IG_TRY(insert.bind(2, static_cast<std::int64_t>(e.seq)));
    return insert.run();
  });
  if (scanned) scanned = store.set_meta(filled_key, byte_vector{1});
  if (scanned) scanned = store.commit();
  if (!scanned) store.rollback();
  return scanned;
}

}  // namespace

result<std::unique_ptr<stored_request_index>> stored_request_index::open(ledger_store& store) {
  std::unique_ptr<stored_request_index> index(new stored_request_index());
  auto select = store.prepare("SELECT 1 FROM escrow_requests WHERE request_id = ? AND seq < ?");
  if (!select) return select.err();
  auto insert = store.prepare("INSERT INTO escrow_requests(request_id, seq) VALUES(?,?)");
  if (!insert) return insert.err();
  index->select_ = std::move(*select);
  index->insert_ = std::move(*insert);
  auto done = filled(store);
  if (!done) return done.err();
  if (!*done) IG_TRY(fill(store, index->insert_));
  return index;
}

result<bool> stored_request_index::escrowed_before(std::string_view request_id, std::uint64_t seq) {
  IG_TRY(select_.bind(1, request_id));
  IG_TRY(select_.bind(2, static_cast<std::int64_t>(seq)));
  auto row = select_.step();
  select_.reset();
  return row;
}

status stored_request_index::record(std::string_view request_id, std::uint64_t seq) {
  if (seq <= indexed_through_) return {};
  IG_TRY(insert_.bind(1, request_id));
  IG_TRY(insert_.bind(2, static_cast<std::int64_t>(seq)));
  IG_TRY(insert_.run());
  indexed_through_ = seq;
  return {};
}

result<request_index_count> count_request_index(ledger_store& store) {
  auto done = filled(store);
  if (!done) return done.err();
  auto rows = store.prepare("SELECT count(*) FROM escrow_requests");
  if (!rows) return rows.err();
  auto row = rows->step();
  if (!row) return row.err();
  return request_index_count{*row ? rows->column_int(0) : 0, *done};
}

}  // namespace infergrid::ledger
