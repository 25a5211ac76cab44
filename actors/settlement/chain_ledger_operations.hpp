#pragma once
// chain_ledger_operations: what a confirmed vault event means for the ledger, as idempotent
// commands. The op id is the log's identity on the chain — "chain/<tx hash>/<log index>" — so
// seeing the same log again (a restart, a retried batch) replays instead of applying twice.
//   Deposited(account, amount)  -> deposit  {"0x<account>", developer, amount}
//   Staked(account, role, amount) -> deposit {<staker>, miner|validator, amount}
//                                   + stake  (op id "…/stake"): the tokens went from the wallet
//                                   straight into the stake, so the ledger's supply grows as the vault's
//   Unbonded(account, amount)     -> unbond {<staker>, amount}: staked -> unbonding, so the stake gate
//                                   stops counting it at once
//   UnbondedWithdrawn(account, amount) -> unbonding_paid {<staker>, amount}: out of the unbonding
//                                   bucket, oldest first, and out of the supply, as the tokens left the vault
//   Slashed(miner, evidence, …)   -> chain_slash {request, <miner>, forfeit, <voters>, reward each, treasury
//                                   share}, only for a slash this ledger did not convict first (chain_convictions
//                                   books the twin of its own slash as nothing); request: the one the slash book
//                                   knows for that evidence, else ""
// The staker's ledger account is its bound identity when the address bound one (chain_identities.hpp),
// else "0x<account>". Deposits stay on "0x<account>": balances leave through the vault from there.
// Identity bindings and slashes are the bridge's own business (chain_identities, chain_convictions);
// the latter asks chain_slash_command_of for the one command above;
// withdrawals are booked when settlement signs them (chain_withdrawal.hpp) and anchors by the epoch
// close they anchor, so their events change nothing here.
#include <vector>

#include <functional>
#include <optional>
#include <string>

#include "actors/settlement/chain/vault_calls.hpp"
#include "actors/settlement/chain/vault_events.hpp"
#include "actors/settlement/chain_identities.hpp"
#include "actors/settlement/ledger/operation.hpp"

namespace infergrid {

// The ledger account of a chain address: "0x" + 40 lowercase hex digits.
std::string ledger_account_of(const chain::address& account);
std::string chain_op_id(const chain::chain_log& log);
// The kind of a ledger account as booked (or as an earlier log of the same batch will book it);
// nullopt: no such account.
using account_kind_lookup = std::function<std::optional<ledger::account_kind>(const std::string& account)>;

// The commands for one decoded log (none for an event the ledger does not follow yet). A Staked
// log whose account is booked as another kind than its role (an address that deposited before it
// staked is a developer) books nothing, not even its deposit half: the ledger would refuse the
// stake and keep the deposit as free balance, which could then leave through the balances root and
// again through the vault's unbond. `refusal` says why (the caller logs it).
std::vector<ledger::command> ledger_commands_of(const chain::chain_log& log, const chain::vault_event& event,
                                               const chain_identities& identities, const account_kind_lookup& kind_of,
                                               std::string* refusal = nullptr);
// The chain_slash command for a Slashed event this ledger did not convict (none when it moved nothing
// or an amount beyond int64).
std::vector<ledger::command> chain_slash_command_of(const chain::chain_log& log, const chain::slashed_event& slashed,
                                                   const chain_identities& identities, const std::string& request_id);

}  // namespace infergrid
