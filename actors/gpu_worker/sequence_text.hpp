#pragma once
// sequence_text: the text a sequence streams, decided token by token so that it does not depend on
// how tokens are grouped into chunks. A stop string never reaches the client: text that could be
// the start of a stop string is held back until the next tokens rule it out. A stop_after string
// (inference_request::stop_after) ends the sequence too but is given out with the text before it;
// whichever of the two kinds ends first in the text ends the sequence. For a thinking model's reply
// (inference_request::stop_after_reasoning) stop_after strings count only past the reasoning block,
// found as chat::reasoning_splitter finds it for the client. A job resumed on
// another worker replays the already-streamed tokens through add() (discarding the output) and
// then continues exactly where the first worker was.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/model/chat/reasoning_splitter.hpp"
#include "kernels/model/tokenizer.hpp"
#include "messages/inference.hpp"

namespace infergrid::gpu_worker {

class sequence_text {
 public:
  sequence_text(const model::tokenizer& vocab, std::vector<std::string> stop, std::vector<std::string> stop_after = {},
                std::uint8_t stop_after_reasoning = inference_request::stop_after_anywhere);
  // The request's stop, stop_after and stop_after_reasoning (what a worker and a validator's replay both use).
  static sequence_text of(const model::tokenizer& vocab, const inference_request& request);

  struct delta {
    std::string text;      // text that became final with this token
    bool stopped = false;  // a stop or stop_after string completed; the sequence ends here
  };
  delta add(model::token_id token);
  // Feeds a prompt token: it only sets where the text continues from (a completion of "The dog"
  // starts " was", with its space), nothing is emitted or searched for stop strings.
  void prime(model::token_id token) { (void)stream_.push(token); }
  // The held-back rest once the sequence ends without a stop string.
  std::string finish();

 private:
  std::size_t stop_position() const;  // npos when no stop string occurs in text_
  std::size_t stop_after_end() const;  // where the first stop_after string in text_ ends; npos: none
  std::size_t stop_after_from() const;  // where stop_after strings may newly end in text_; npos: nowhere yet

  model::text_stream stream_;
  std::vector<std::string> stop_;
  std::vector<std::string> stop_after_;
  std::size_t holdback_bytes_ = 0;  // longest stop string - 1
  std::size_t after_longest_ = 0;   // longest stop_after string
  std::size_t after_searched_ = 0;  // bytes of text_ searched for stop_after strings
  std::optional<chat::reasoning_splitter> reasoning_;  // stop_after only past its block
  std::string text_;                // everything decoded so far
  std::size_t emitted_ = 0;         // bytes of text_ already given out
};

}  // namespace infergrid::gpu_worker
