#pragma once
// entries_lookup: ledger entries by op id, summarised for people (`infergrid trace`): the operation's
// name, its postings and whether it convicted.
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/ledger.hpp"
#include "runtime/result.hpp"

namespace infergrid {

result<entries_reply> find_entries(ledger::ledger& books, const entries_query& query);

}  // namespace infergrid
