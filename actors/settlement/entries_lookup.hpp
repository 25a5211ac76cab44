#pragma once
// entries_lookup: ledger entries by op id (`infergrid trace`) or by account (`infergrid miner
// status`), summarised for people: the operation's name, its postings and whether it convicted.
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/account_history.hpp"
#include "messages/ledger.hpp"
#include "runtime/result.hpp"

namespace infergrid {

// One entry as people read it: operation name, postings, conviction, hash.
result<ledger_entry_summary> summarise_entry(const ledger::entry& e);
result<entries_reply> find_entries(ledger::ledger& books, const entries_query& query);
// The newest entries that touched the account, newest first, each with only that account's postings.
result<entries_reply> account_history_of(ledger::ledger& books, const account_history_query& query);

}  // namespace infergrid
