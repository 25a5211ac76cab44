#include "actors/settlement/chain/vault_events.hpp"

#include <array>

#include "actors/settlement/chain/abi.hpp"

namespace infergrid::chain {
namespace {

// A decoder reads the indexed fields from topics[1..] and the rest from the ABI data.
using decoder = result<vault_event> (*)(const chain_log& log, const abi_reader& data);

struct event_row {
  std::string_view signature;
  std::size_t indexed_count;
  decoder decode;
};

#define IG_FIELD(target, expression)     \
  do {                                   \
    auto field_ = (expression);          \
    if (!field_) return field_.err();    \
    target = *field_;                    \
  } while (0)

const std::array<event_row, 8> event_table = {{
    {"Deposited(address,uint256)", 1,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       deposited_event e{address_from_word(log.topics[1])};
       IG_FIELD(e.amount_micro, data.u64_at(0));
       return vault_event{std::move(e)};
     }},
    {"Staked(address,uint8,uint256,uint256)", 1,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       staked_event e{address_from_word(log.topics[1])};
       std::uint64_t role = 0;
       IG_FIELD(role, data.u64_at(0));
       if (role > 255) return make_error(error_code::malformed_input, "Staked role out of range");
       e.role = static_cast<std::uint8_t>(role);
       IG_FIELD(e.amount_micro, data.u64_at(1));
       IG_FIELD(e.staked_total_micro, data.u64_at(2));
       return vault_event{std::move(e)};
     }},
    {"Unbonded(address,uint256,uint64)", 1,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       unbonded_event e{address_from_word(log.topics[1])};
       IG_FIELD(e.amount_micro, data.u64_at(0));
       IG_FIELD(e.release_at_unix_s, data.u64_at(1));
       return vault_event{std::move(e)};
     }},
    {"UnbondedWithdrawn(address,uint256)", 1,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       unbonded_withdrawn_event e{address_from_word(log.topics[1])};
       IG_FIELD(e.amount_micro, data.u64_at(0));
       return vault_event{std::move(e)};
     }},
    {"EpochAnchored(uint64,bytes32,bytes32,uint64)", 1,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       epoch_anchored_event e;
       IG_FIELD(e.epoch, u64_from_word(log.topics[1]));
       IG_FIELD(e.ledger_root, data.word_at(0));
       IG_FIELD(e.balances_root, data.word_at(1));
       IG_FIELD(e.withdrawable_at_unix_s, data.u64_at(2));
       return vault_event{std::move(e)};
     }},
    {"Withdrawn(address,uint64,uint256,uint256)", 2,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       withdrawn_event e{address_from_word(log.topics[1])};
       IG_FIELD(e.epoch, u64_from_word(log.topics[2]));
       IG_FIELD(e.amount_micro, data.u64_at(0));
       IG_FIELD(e.cumulative_micro, data.u64_at(1));
       return vault_event{std::move(e)};
     }},
    {"Slashed(address,bytes32,uint256,address[],uint256,uint256)", 2,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       slashed_event e{address_from_word(log.topics[1]), log.topics[2]};
       IG_FIELD(e.forfeit_micro, data.u64_at(0));
       std::vector<word> voters;
       IG_FIELD(voters, data.words_at(1));
       for (const word& voter : voters) e.voters.push_back(address_from_word(voter));
       IG_FIELD(e.reward_per_voter_micro, data.u64_at(2));
       IG_FIELD(e.treasury_share_micro, data.u64_at(3));
       return vault_event{std::move(e)};
     }},
    {"IdentityBound(address,bytes32,bytes)", 1,
     [](const chain_log& log, const abi_reader& data) -> result<vault_event> {
       identity_bound_event e{address_from_word(log.topics[1])};
       IG_FIELD(e.ed25519_public_key, data.word_at(0));
       IG_FIELD(e.signature, data.bytes_at(1));
       return vault_event{std::move(e)};
     }},
}};

#undef IG_FIELD

}  // namespace

word vault_event_topic(std::string_view signature) { return event_topic(signature); }

result<vault_event> decode_vault_event(const chain_log& log) {
  if (log.topics.empty()) return make_error(error_code::not_found, "anonymous log is no vault event");
  for (const event_row& row : event_table) {
    if (log.topics[0] != event_topic(row.signature)) continue;
    if (log.topics.size() != 1 + row.indexed_count) {
      return make_error(error_code::malformed_input, std::string(row.signature) + " log has " +
                                                         std::to_string(log.topics.size()) + " topics");
    }
    return row.decode(log, abi_reader(log.data));
  }
  return make_error(error_code::not_found, "log topic " + to_hex_0x(log.topics[0]) + " is no vault event");
}

result<std::vector<vault_event>> vault_events_of(const transaction_receipt& receipt, const address& emitter) {
  std::vector<vault_event> out;
  for (const chain_log& log : receipt.logs) {
    if (log.emitter != emitter) continue;
    auto event = decode_vault_event(log);
    if (!event && event.err().code == error_code::not_found) continue;
    if (!event) return event.err();
    out.push_back(std::move(*event));
  }
  return out;
}

}  // namespace infergrid::chain
