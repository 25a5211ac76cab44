#pragma once
// canary: requests a validator sends into the grid itself, shaped like user traffic, whose answers
// it then audits: realistic story prompts with a random name and object in them (a nonce: no cached
// answer fits), the sampling users ask for (temperature 0, 0.7 or 1.0 with a random seed), a
// random length, and a request id in the gateway's form ("<node>/gateway#<n>", n random). They take
// the path every request takes from the matchmaker on; the miner cannot tell them apart, and the
// validator compares what was streamed to it with what the receipt signs, then replays it.
#include <cstdint>
#include <string>

#include "messages/inference.hpp"

namespace infergrid::validator {

// A fresh canary for `model`, drawn with libsodium's CSPRNG; `node` names the id's node part.
inference_request make_canary(const std::string& model, const std::string& node, std::uint32_t max_tokens);

}  // namespace infergrid::validator
