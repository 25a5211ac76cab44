#pragma once
// entries_lookup: ledger entries by op id, summarised for people (`infergrid trace`): the operation's
// name, its postings and whether it convicted.
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/ledger.hpp"
#include "runtime/result.hpp"

namespace infergrid {

// One entry as people read it: operation name, postings, conviction, hash.
result<ledger_entry_summary> summarise_entry(const ledger::entry& e);
result<entries_reply> find_entries(ledger::ledger& books, const entries_query& query);

}  // namespace infergrid
