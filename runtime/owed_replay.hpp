#pragma once
// owed_replay: the two ends of an actor's owed_journal (runtime/owed_journal.hpp) that the actor's
// own sends go through — a message journaled before it is first sent, and at start whatever the
// journal still owes sent again, oldest first, through one row per message kind the actor owes.
// The matchmaker (receipts, claims, refunds) and the HTTP bridge (claims, refunds, deliveries it
// vouches for) share them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "messages/body.hpp"
#include "runtime/actor_context.hpp"
#include "runtime/owed_journal.hpp"

namespace infergrid {

// One kind of message an actor journals, and how to owe a journaled one again.
struct owed_replay_row {
  std::uint16_t kind = 0;
  std::function<status(const owed_request&)> resend;  // an error: the body does not decode
};

// The row for message type M: `owe(message, journal id)` owes it again under its journal id.
template <class M>
owed_replay_row owed_replay_as(std::function<void(const M&, std::uint64_t)> owe) {
  return {static_cast<std::uint16_t>(M::id), [owe = std::move(owe)](const owed_request& r) -> status {
            auto message = decode_body<M>(r.body);
            if (!message.ok()) return message.err();
            owe(*message, r.id);
            return {};
          }};
}

// Owes again, oldest first, what `journal` held at start. An entry of no row's kind, or one that
// does not decode, is marked answered (never sent); the lines returned say so (the actor logs them).
std::vector<std::string> replay_owed(owed_journal& journal, const std::vector<owed_replay_row>& rows);

// Journals `m` under `key` before it is first sent: its journal id; none without a journal. An
// error when the write failed (the caller logs it and sends anyway: only a crash would lose it).
template <class M>
result<std::optional<std::uint64_t>> journal_owed(std::optional<owed_journal>& journal, const std::string& key,
                                                  const M& m) {
  if (!journal) return std::optional<std::uint64_t>{};
  auto id = journal->add(key, static_cast<std::uint16_t>(M::id), encode_body(m));
  if (!id.ok()) return id.err();
  return std::optional<std::uint64_t>{*id};
}

// An actor's last word as it stops: `m` journaled under `key` (when there is a journal), then sent
// once to `to` without awaiting the answer (nothing would take it). What the receiver did not take
// is sent again at the next start, and it takes each once. A failed journal write is returned for
// the caller to log; `m` is sent regardless.
template <class M>
status send_last_word(actor_context& ctx, std::optional<owed_journal>& journal, const std::string& to,
                      const std::string& key, const M& m) {
  auto journaled = journal_owed(journal, key, m);
  (void)ctx.send(to, m);
  if (!journaled.ok()) return journaled.err();
  return {};
}

}  // namespace infergrid
