#include "actors/gpu_worker/sequence_text.hpp"

#include <algorithm>

namespace infergrid::gpu_worker {

sequence_text::sequence_text(const model::tokenizer& vocab, std::vector<std::string> stop,
                             std::vector<std::string> stop_after, std::uint8_t stop_after_reasoning)
    : stream_(vocab), stop_(std::move(stop)), stop_after_(std::move(stop_after)) {
  if (stop_after_reasoning != inference_request::stop_after_anywhere) {
    reasoning_.emplace(stop_after_reasoning == inference_request::stop_after_past_prompt_block);
  }
  const auto empty = [](const std::string& s) { return s.empty(); };
  std::erase_if(stop_, empty);
  std::erase_if(stop_after_, empty);
  for (const auto& s : stop_) holdback_bytes_ = std::max(holdback_bytes_, s.size() - 1);
  for (const auto& s : stop_after_) after_longest_ = std::max(after_longest_, s.size());
}

sequence_text sequence_text::of(const model::tokenizer& vocab, const inference_request& request) {
  return sequence_text(vocab, request.stop, request.stop_after, request.stop_after_reasoning);
}

std::size_t sequence_text::stop_after_from() const {
  // As for stop strings: only the tail that was never searched with the string complete.
  const std::size_t from = after_searched_ >= after_longest_ ? after_searched_ - (after_longest_ - 1) : 0;
  if (!reasoning_) return from;
  const auto answer = reasoning_->answer_begin();
  return answer ? std::max(from, *answer) : std::string::npos;
}

std::size_t sequence_text::stop_after_end() const {
  std::size_t end = std::string::npos;
  const std::size_t from = stop_after_from();
  if (from == std::string::npos) return end;
  for (const auto& s : stop_after_) {
    if (const std::size_t at = text_.find(s, from); at != std::string::npos) end = std::min(end, at + s.size());
  }
  return end;
}

std::size_t sequence_text::stop_position() const {
  std::size_t found = std::string::npos;
  // A stop string can only newly appear in the tail that was never searched with it complete.
  const std::size_t from = emitted_ > holdback_bytes_ ? emitted_ - holdback_bytes_ : 0;
  for (const auto& s : stop_) found = std::min(found, text_.find(s, from));
  return found;
}

sequence_text::delta sequence_text::add(model::token_id token) {
  const std::string piece = stream_.push(token);
  text_ += piece;
  if (reasoning_) (void)reasoning_->feed(piece);
  delta out;
  const std::size_t stop_at = stop_position();
  const std::size_t after_end = stop_after_end();
  // Text inside the reasoning block (or not yet known to be outside it) is never searched.
  if (!reasoning_ || reasoning_->answer_begin()) after_searched_ = text_.size();
  if (after_end != std::string::npos && (stop_at == std::string::npos || after_end <= stop_at)) {
    // Ends with its stop_after string, which goes out; what the token decoded past it does not.
    if (after_end > emitted_) out.text = text_.substr(emitted_, after_end - emitted_);
    emitted_ = std::max(emitted_, after_end);
    out.stopped = true;
    return out;
  }
  if (stop_at != std::string::npos) {
    if (stop_at > emitted_) out.text = text_.substr(emitted_, stop_at - emitted_);
    emitted_ = std::max(emitted_, stop_at);
    out.stopped = true;
    return out;
  }
  std::size_t safe = text_.size() > holdback_bytes_ ? text_.size() - holdback_bytes_ : 0;
  // Never cut inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (safe > emitted_ && safe < text_.size() && (static_cast<unsigned char>(text_[safe]) & 0xC0) == 0x80) --safe;
  if (safe > emitted_) {
    out.text = text_.substr(emitted_, safe - emitted_);
    emitted_ = safe;
  }
  return out;
}

std::string sequence_text::finish() {
  text_ += stream_.finish();
  std::string rest = text_.substr(std::min(emitted_, text_.size()));
  emitted_ = text_.size();
  return rest;
}

}  // namespace infergrid::gpu_worker
