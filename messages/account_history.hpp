#pragma once
// An account's own ledger history (tag 425, served by the settlement actor): the newest entries that
// touched `account`, answered with an entries_reply whose postings are only that account's (what it
// was paid, staked, slashed — not who paid), a page at a time (before_seq). A member asks about its own account (the key signing
// the envelope is the account); coordinators and the operator about any. `infergrid miner status`
// sums a miner's earnings from it.
#include <cstdint>
#include <string>

#include <msgpack.hpp>

#include "messages/ledger.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {

inline constexpr std::uint32_t account_history_entries_max = 500;

struct account_history_query {
  static constexpr message_type id = message_type::account_history_query;
  static constexpr std::uint16_t version = 1;
  std::string account;
  std::uint32_t limit = 100;  // newest first; at most account_history_entries_max
  // Appended: only entries with seq < before_seq (0 = from the newest), so a long history is read
  // page by page, each page's oldest seq the next one's before_seq.
  std::uint64_t before_seq = 0;
  MSGPACK_DEFINE(account, limit, before_seq)
};
IG_REGISTER_MESSAGE(account_history_query);

}  // namespace infergrid
