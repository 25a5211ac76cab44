#include "actors/settlement/ledger/ledger_verify.hpp"

#include <chrono>
#include <filesystem>
#include <future>
#include <memory>
#include <map>

#include "actors/settlement/ledger/ledger_store.hpp"
#include "actors/settlement/ledger/operation_codec.hpp"
#include "actors/settlement/ledger/stored_request_index.hpp"

namespace infergrid::ledger {
namespace {

error at_entry(std::uint64_t seq, const std::string& what) {
  return make_error(error_code::malformed_input, "entry " + std::to_string(seq) + ": " + what);
}

result<ledger_config> stored_config(ledger_store& store) {
  auto bytes = store.meta("config");
  if (!bytes) return bytes.err();
  if (!bytes->has_value()) return make_error(error_code::malformed_input, "ledger has no stored config");
  ledger_config config;
  try {
    msgpack::unpack(reinterpret_cast<const char*>((*bytes)->data()), (*bytes)->size()).get().convert(config);
  } catch (const std::exception& e) {
    return make_error(error_code::malformed_input, std::string("stored config does not decode: ") + e.what());
  }
  return config;
}

result<public_key> stored_signer(ledger_store& store) {
  auto bytes = store.meta("signer");
  if (!bytes) return bytes.err();
  public_key key{};
  if (!bytes->has_value() || (*bytes)->size() != key.size()) {
    return make_error(error_code::malformed_input, "ledger has no stored signer key");
  }
  std::copy((*bytes)->begin(), (*bytes)->end(), key.begin());
  return key;
}

status compare_accounts(const ledger_state& state, ledger_store& store) {
  auto rows = store.read_accounts();
  if (!rows) return rows.err();
  if (rows->size() != state.accounts().size()) {
    return make_error(error_code::malformed_input, "accounts table has " + std::to_string(rows->size()) +
                                                       " accounts, the entries replay to " +
                                                       std::to_string(state.accounts().size()));
  }
  for (const auto& [id, stored] : *rows) {
    const account* replayed = state.find(id);
    if (replayed == nullptr || !(*replayed == stored)) {
      return make_error(error_code::malformed_input, "account " + id + ": stored balances differ from the replay of entries");
    }
  }
  return {};
}

// Entries per chunk read and checked at once.
constexpr std::uint64_t verify_chunk_entries = 4096;

struct chunk_check {
  std::size_t first_bad = 0;  // index of the first entry that fails its chain checks (size() if none)
  error why;
};

// Seq, link, hash and signature of every entry of a chunk (independent of the replay).
chunk_check check_chunk(const std::vector<entry>* chunk_pointer, std::uint64_t first_seq, digest prev_hash,
                        const public_key& signer) {
  const std::vector<entry>& chunk = *chunk_pointer;
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    const entry& e = chunk[i];
    if (auto checked = check_entry(e, first_seq + i, prev_hash); !checked) return {i, checked.err()};
    if (e.signer != signer) return {i, at_entry(e.seq, "signed by a key that is not the ledger's signer")};
    prev_hash = e.hash;
  }
  return {chunk.size(), {}};
}

// Replays one chain-checked entry: canonical op, same outcome, epoch roots, invariants at closes.
status replay_entry(const entry& e, ledger_state& state, std::map<std::int64_t, digest>& published,
                    verify_report& report) {
  auto op = decode_operation(e.op_bytes);
  if (!op) return at_entry(e.seq, op.err().message);
  auto out = state.apply(*op);
  if (!out) return at_entry(e.seq, "operation does not apply on replay: " + out.err().message);
  if (encode_outcome(*out) != e.outcome_bytes) return at_entry(e.seq, "recorded outcome differs from the replay");
  if (std::holds_alternative<escrow_op>(*op)) ++report.escrowed_requests;
  if (const auto* close = std::get_if<epoch_close_op>(&*op)) {
    auto root = published.find(close->epoch);
    if (root == published.end() || root->second != e.hash) {
      return at_entry(e.seq, "epoch " + std::to_string(close->epoch) + " root is missing or differs");
    }
    published.erase(root);
    ++report.epochs_closed;
    if (auto held = state.check_invariants(); !held) return at_entry(e.seq, held.err().message);
  }
  ++report.entries;
  return {};
}

// A missing row would let a closed request be escrowed (and its receipt paid) again.
status compare_request_index(const verify_report& report, ledger_store& store) {
  auto index = count_request_index(store);
  if (!index) return index.err();
  if (!index->filled || index->rows == report.escrowed_requests) return {};
  return make_error(error_code::malformed_input, "escrow_requests index has " + std::to_string(index->rows) +
                                                     " rows, the entries escrow " +
                                                     std::to_string(report.escrowed_requests) + " requests");
}

}  // namespace

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

status check_escrow_expiry(const ledger_state& state, std::int64_t now_unix_ms, std::int64_t slack_ms) {
  for (const auto& [request_id, e] : state.open_escrows()) {
    if (e.expires_at_unix_ms == 0 || e.expires_at_unix_ms + slack_ms >= now_unix_ms) continue;
    return make_error(error_code::conflict,
                      "escrow of request " + request_id + " (payer " + e.payer + ", " + format_amount(e.held_micro) +
                          " tokens) expired " + std::to_string((now_unix_ms - e.expires_at_unix_ms) / 1000) +
                          " s ago and is still open: start the settlement actor (it refunds expired escrows) or run "
                          "`infergrid ledger refund " + request_id + "`");
  }
  return {};
}

result<ledger_state> replay_ledger_file(const std::string& path) {
  if (!std::filesystem::exists(path)) return make_error(error_code::not_found, "no ledger at " + path);
  auto store = ledger_store::open(path, false);
  if (!store) return store.err();
  auto config = stored_config(*store);
  if (!config) return config.err();
  ledger_state state(*config);
  IG_TRY(store->scan(1, [&state](const entry& e) -> status {
    auto op = decode_operation(e.op_bytes);
    if (!op) return at_entry(e.seq, op.err().message);
    if (auto out = state.apply(*op); !out) return at_entry(e.seq, "does not apply: " + out.err().message);
    return {};
  }));
  return state;
}

result<verify_report> verify_ledger(const std::string& path, const verify_options& options) {
  if (path != ":memory:" && !std::filesystem::exists(path)) {
    return make_error(error_code::not_found, "no ledger at " + path);
  }
  auto store = ledger_store::open(path, false);
  if (!store) return store.err();
  IG_TRY(store->begin_snapshot());  // entries, roots and accounts read from one state
  auto config = stored_config(*store);
  if (!config) return config.err();
  auto signer = stored_signer(*store);
  if (!signer) return signer.err();
  auto roots = store->epoch_roots();
  if (!roots) return roots.err();
  std::map<std::int64_t, digest> published;
  for (const epoch_root& root : *roots) published[root.epoch] = root.root_hash;

  ledger_state state(*config);
  verify_report report;
  // The chain checks of chunk k+1 (hash, link, signature) run on a second thread while this
  // thread replays chunk k: the two halves of verify's cost overlap.
  auto first = store->read_range(1, verify_chunk_entries);
  if (!first) return first.err();
  // Chunks live on the heap so the checking thread's reference stays valid while they change hands.
  auto chunk = std::make_unique<std::vector<entry>>(std::move(*first));
  auto checking = std::async(std::launch::async, check_chunk, chunk.get(), 1, genesis_hash, *signer);
  for (std::uint64_t round = 0; round < entries_scan_max / verify_chunk_entries && !chunk->empty(); ++round) {
    const std::uint64_t next_seq = chunk->back().seq + 1;
    auto read = store->read_range(next_seq, verify_chunk_entries);
    const chunk_check checked = checking.get();
    if (!read) return read.err();
    auto next = std::make_unique<std::vector<entry>>(std::move(*read));
    if (!next->empty()) {
      checking = std::async(std::launch::async, check_chunk, next.get(), next_seq, chunk->back().hash, *signer);
    }
    for (std::size_t i = 0; i < checked.first_bad; ++i) {
      if (auto replayed = replay_entry((*chunk)[i], state, published, report); !replayed) {
        if (checking.valid()) checking.wait();  // never leave the thread reading a chunk about to die
        return replayed.err();
      }
    }
    if (checked.first_bad < chunk->size()) {
      if (checking.valid()) checking.wait();
      return checked.why;
    }
    chunk = std::move(next);
  }
  if (!published.empty()) {
    return make_error(error_code::malformed_input, "epoch " + std::to_string(published.begin()->first) +
                                                       " has a published root but no closing entry");
  }
  if (auto held = state.check_invariants(); !held) return held.err();
  IG_TRY(compare_accounts(state, *store));
  IG_TRY(compare_request_index(report, *store));
  IG_TRY(check_escrow_expiry(state, options.now_unix_ms == 0 ? unix_ms_now() : options.now_unix_ms,
                             options.expiry_slack_ms));
  report.accounts = state.accounts().size();
  report.open_escrows = state.open_escrow_count();
  report.supply_micro = state.supply_micro();
  return report;
}

}  // namespace infergrid::ledger
