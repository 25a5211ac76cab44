#include "runtime/replay_guard.hpp"

namespace infergrid {
namespace {

constexpr std::uint64_t bitmap_width = 64;

error replayed(const envelope& m, const char* why) {
  return make_error(error_code::conflict, "message " + std::to_string(m.message_id) + " " + why);
}

}  // namespace

status replay_guard::admit(const envelope& m, std::int64_t now_ms) {
  if (m.sent_at_ms < now_ms - window_ms_) return replayed(m, "was sent before the replay window");
  if (m.sent_at_ms > now_ms + window_ms_) return replayed(m, "is dated in the future beyond the replay window");
  if (m.deadline_ms != 0 && m.deadline_ms < now_ms) return replayed(m, "arrived after its deadline");
  auto* found = senders_.find(m.sender);
  if (found == nullptr) {
    // A sender's envelopes are dated at most one window ahead, so after two windows of silence every
    // envelope it ever sent is refused by date alone.
    if (senders_.size() >= max_senders_) senders_.forget_idle(2 * window_ms_, now_ms);
    if (senders_.size() >= max_senders_) return make_error(error_code::unavailable, "too many senders in the replay window");
    senders_.put(m.sender, window{m.message_id, 0}, now_ms);
    return {};
  }
  window& w = found->value;
  if (m.message_id > w.highest) {
    const std::uint64_t shift = m.message_id - w.highest;
    // The old highest becomes bit shift-1; bits shifted past the width are forgotten.
    if (shift > bitmap_width) {
      w.seen_below = 0;
    } else {
      w.seen_below = (shift == bitmap_width ? 0 : w.seen_below << shift) | (1ull << (shift - 1));
    }
    w.highest = m.message_id;
  } else if (m.message_id == w.highest) {
    return replayed(m, "was seen before (replay)");
  } else {
    const std::uint64_t back = w.highest - m.message_id;
    if (back > bitmap_width) return replayed(m, "is older than the replay window of its sender");
    const std::uint64_t bit = 1ull << (back - 1);
    if ((w.seen_below & bit) != 0) return replayed(m, "was seen before (replay)");
    w.seen_below |= bit;
  }
  senders_.seen(m.sender, now_ms);
  return {};
}

}  // namespace infergrid
