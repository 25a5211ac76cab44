#include "kernels/model/chat/reasoning_splitter.hpp"

#include <algorithm>

namespace infergrid::chat {
namespace {

constexpr std::string_view open_tag = "<think>";
constexpr std::string_view close_tag = "</think>";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Length of the longest suffix of `text` that is a proper prefix of `tag`.
std::size_t partial_tag_suffix(std::string_view text, std::string_view tag) {
  for (std::size_t n = std::min(text.size(), tag.size() - 1); n > 0; --n) {
    if (text.substr(text.size() - n) == tag.substr(0, n)) return n;
  }
  return 0;
}

}  // namespace

reasoning_piece reasoning_splitter::feed(std::string_view text) {
  reasoning_piece out;
  if (phase_ == phase::reasoning) out.touched_reasoning = true;
  pending_ += text;
  run(out, false);
  return out;
}

reasoning_piece reasoning_splitter::finish() {
  reasoning_piece out;
  run(out, true);
  return out;
}

void reasoning_splitter::run(reasoning_piece& out, bool at_end) {
  while (true) {
    if (skip_newlines_) {
      const auto kept = pending_.find_first_not_of('\n');
      drop(kept == std::string::npos ? pending_.size() : kept);
      if (pending_.empty()) return;
      skip_newlines_ = false;
    }
    switch (phase_) {
      case phase::start: {
        const std::size_t first = std::min(pending_.find_first_not_of(" \n\t\r"), pending_.size());
        const std::string_view rest = std::string_view(pending_).substr(first);
        if (rest.starts_with(open_tag)) {
          block_ = byte_span{decided_bytes_ + first, no_end};
          drop(first + open_tag.size());
          phase_ = phase::reasoning;
          skip_newlines_ = true;
          out.touched_reasoning = true;
          continue;
        }
        if (!at_end && open_tag.starts_with(rest)) return;  // may still become the tag
        phase_ = phase::content;
        continue;
      }
      case phase::reasoning: {
        const auto close = pending_.find(close_tag);
        if (close != std::string::npos) {
          std::string_view before(pending_.data(), close);
          while (!before.empty() && before.back() == '\n') before.remove_suffix(1);
          out.reasoning += before;
          block_->end = decided_bytes_ + close + close_tag.size();
          drop(close + close_tag.size());
          phase_ = phase::content;
          skip_newlines_ = true;
          continue;
        }
        // Hold back what may be the start of the tag, and the newlines that would precede it.
        std::size_t keep = at_end ? 0 : partial_tag_suffix(pending_, close_tag);
        if (!at_end) {
          while (keep < pending_.size() && pending_[pending_.size() - keep - 1] == '\n') ++keep;
        }
        out.reasoning += pending_.substr(0, pending_.size() - keep);
        drop(pending_.size() - keep);
        return;
      }
      case phase::content:
        out.content += pending_;
        drop(pending_.size());
        return;
    }
  }
}

void reasoning_splitter::drop(std::size_t bytes) {
  pending_.erase(0, bytes);
  decided_bytes_ += bytes;
}

bool prompt_opens_reasoning(std::string_view prompt) {
  while (!prompt.empty() && is_space(prompt.back())) prompt.remove_suffix(1);
  return prompt.ends_with(open_tag);
}

}  // namespace infergrid::chat
