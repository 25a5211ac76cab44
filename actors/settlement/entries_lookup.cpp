#include "actors/settlement/entries_lookup.hpp"

#include "actors/settlement/ledger/operation_codec.hpp"

namespace infergrid {

result<ledger_entry_summary> summarise_entry(const ledger::entry& e) {
  auto op = ledger::decode_operation(e.op_bytes);
  if (!op.ok()) return op.err();
  auto out = ledger::decode_outcome(e.outcome_bytes);
  if (!out.ok()) return out.err();
  ledger_entry_summary summary;
  summary.seq = e.seq;
  summary.op_id = e.op_id;
  summary.cause_id = e.cause_id;
  summary.operation = std::string(ledger::operation_name(*op));
  for (const ledger::posting& p : out->postings) summary.postings.push_back({p.account, p.where, p.delta_micro});
  summary.convicted = out->convicted;
  summary.entry_hash.assign(e.hash.begin(), e.hash.end());
  return summary;
}

result<entries_reply> find_entries(ledger::ledger& books, const entries_query& query) {
  if (query.op_ids.size() > entries_query_max) {
    return make_error(error_code::too_large, "at most " + std::to_string(entries_query_max) + " op ids per query");
  }
  entries_reply reply;
  for (const std::string& op_id : query.op_ids) {
    auto found = books.store().find_op(op_id);
    if (!found.ok()) return found.err();
    if (!found->has_value()) continue;
    auto summary = summarise_entry(**found);
    if (!summary.ok()) return summary.err();
    reply.entries.push_back(std::move(summary).value());
  }
  return reply;
}

result<entries_reply> account_history_of(ledger::ledger& books, const account_history_query& query) {
  if (query.limit == 0 || query.limit > account_history_entries_max) {
    return make_error(error_code::invalid_argument,
                      "limit must be 1.." + std::to_string(account_history_entries_max) + " entries");
  }
  auto found = books.store().history(query.account, query.limit, query.before_seq);
  if (!found.ok()) return found.err();
  entries_reply reply;
  for (const ledger::entry& e : *found) {
    auto summary = summarise_entry(e);
    if (!summary.ok()) return summary.err();
    std::erase_if(summary->postings, [&](const ledger_posting& p) { return p.account != query.account; });
    reply.entries.push_back(std::move(summary).value());
  }
  return reply;
}

}  // namespace infergrid
