#pragma once
// ledger_view: the ledger as the dashboard and `infergrid status` show it — accounts with their
// buckets and this epoch's settled tokens, the newest entries re-checked (seq, link, hash, signature)
// up to the ledger's last hash, the published epoch roots and the reward rules.
#include "actors/settlement/ledger/ledger.hpp"
#include "messages/ledger_view.hpp"
#include "runtime/result.hpp"

namespace infergrid {

// with_account_data false: accounts and entries are left out (the chain is still checked).
result<ledger_view_report> make_ledger_view(ledger::ledger& books, const ledger_view_query& query,
                                            bool with_account_data);

}  // namespace infergrid
