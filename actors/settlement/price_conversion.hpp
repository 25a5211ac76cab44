#pragma once
// price_conversion: a message's job_price (messages/job_price.hpp) as the ledger's receipt_ask
// (actors/settlement/ledger/operation.hpp) and back — the same two numbers, so what a worker signs
// in a chunk claim or receipt is what the ledger pays. Likewise a claim's first position (the
// messages count positions in uint32, the ledger in int64 like its token counts).
#include <cstdint>
#include <optional>

#include "actors/settlement/ledger/operation.hpp"
#include "messages/job_price.hpp"
#include "messages/ledger.hpp"

namespace infergrid {

inline std::optional<ledger::receipt_ask> ledger_ask(const std::optional<job_price>& price) {
  if (!price) return std::nullopt;
  return ledger::receipt_ask{price->prompt_per_1k_micro, price->completion_per_1k_micro};
}

inline std::optional<job_price> message_price(const std::optional<ledger::receipt_ask>& ask) {
  if (!ask) return std::nullopt;
  return job_price{ask->prompt_per_1k_micro, ask->completion_per_1k_micro};
}

inline std::optional<std::int64_t> ledger_first_index(const std::optional<std::uint32_t>& first_index) {
  if (!first_index) return std::nullopt;
  return static_cast<std::int64_t>(*first_index);
}

// A position the ledger holds is one a worker signed in a message: 0 ≤ first index < 2^32.
inline std::optional<std::uint32_t> message_first_index(const std::optional<std::int64_t>& first_index) {
  if (!first_index) return std::nullopt;
  return static_cast<std::uint32_t>(*first_index);
}

// What a settle_receipt message claims, as the ledger reads and verifies it (the miner's signature
// is over ledger::signing_bytes of this).
inline ledger::settlement_receipt settlement_receipt_of(const settle_receipt& m) {
  return ledger::settlement_receipt{m.request_id,        m.miner,          m.prompt_tokens,
                                    m.completion_tokens, m.receipt_digest, ledger_ask(m.ask),
                                    ledger_first_index(m.first_index)};
}

}  // namespace infergrid
