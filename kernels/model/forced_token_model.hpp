#pragma once
// forced_token_model: turns a random Llama-layout model into one whose greedy decoding emits a chosen
// token at every step, for tests that must see a model stop on a given end-of-generation token
// (random weights almost never pick one). Every layer's output projections (attn_output, ffn_down) are
// zeroed, so the final hidden state is the last token's embedding; embedding dimension 0 is +1 for
// every token, so after the (positive) output norm it is positive; and output.weight is zero except
// the chosen token's row, which is positive in dimension 0. Its logit is then the only positive one.
#include <cstdint>

#include "kernels/model/gguf_writer.hpp"
#include "kernels/model/random_llama.hpp"
#include "runtime/result.hpp"

namespace infergrid::model {

status force_greedy_token(gguf_writer& writer, const random_llama_options& options, std::uint32_t token);

}  // namespace infergrid::model
