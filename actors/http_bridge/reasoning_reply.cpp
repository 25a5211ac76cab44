#include "actors/http_bridge/reasoning_reply.hpp"

namespace infergrid::http {

chat::reasoning_piece reasoning_reply::feed(std::string_view text, std::span<const std::int32_t> tokens) {
  auto piece = splitter_.feed(text);
  if (piece.touched_reasoning) touched_chunk_tokens_ += static_cast<std::int64_t>(tokens.size());
  if (token_bytes_ == nullptr) return piece;
  std::uint64_t end = token_ends_.empty() ? 0 : token_ends_.back();
  for (const std::int32_t id : tokens) {
    const bool known = id >= 0 && static_cast<std::size_t>(id) < token_bytes_->size();
    end += known ? (*token_bytes_)[static_cast<std::size_t>(id)] : 0;
    token_ends_.push_back(end);
  }
  return piece;
}

std::int64_t reasoning_reply::reasoning_tokens() const {
  if (token_bytes_ == nullptr) return touched_chunk_tokens_;
  const auto block = splitter_.block();
  if (!block) return 0;
  std::int64_t count = 0;
  std::uint64_t begin = 0;
  for (const std::uint64_t end : token_ends_) {
    // A token counts when its bytes overlap the block; one without bytes when it lies inside it.
    const bool overlaps = end > begin ? begin < block->end && end > block->begin
                                      : begin >= block->begin && begin < block->end;
    if (overlaps) ++count;
    begin = end;
  }
  return count;
}

}  // namespace infergrid::http
