#pragma once
// client_wire: the gateway's client-facing protocol. Each ZeroMQ message is
//   [empty delimiter frame][one envelope (messages/codec.hpp), unsigned]
// — exactly what a REQ socket sends and receives, and what a DEALER client sends by hand.
// Client → gateway: inference_request, cancel_inference.
// Gateway → client (correlation_id = the request's message_id):
//   non-streaming: one completion_result or one error_reply;
//   streaming:     token_chunk… (the last has finish_reason set) or an error_reply.
#include <cstdint>
#include <string>
#include <vector>

#include "messages/codec.hpp"
#include "messages/inference.hpp"
#include "messages/message_registry.hpp"

namespace infergrid {

inline constexpr const char* client_sender_name = "client";

template <message T>
std::vector<std::uint8_t> encode_client_message(const T& message, std::uint64_t message_id, std::uint64_t correlation_id,
                                                std::string sender) {
  envelope out;
  out.type = T::id;
  out.message_version = T::version;
  out.message_id = message_id;
  out.correlation_id = correlation_id;
  out.sender = std::move(sender);
  out.body = encode_body(message);
  return encode_envelope(out);
}

// Folds a streamed chunk into the whole answer (the gateway for REQ clients, the client's stream()).
inline void append_chunk(completion_result& whole, const token_chunk& chunk) {
  whole.tokens.insert(whole.tokens.end(), chunk.tokens.begin(), chunk.tokens.end());
  whole.text += chunk.text;
  whole.logprobs.insert(whole.logprobs.end(), chunk.logprobs.begin(), chunk.logprobs.end());
  whole.prompt_token_count = chunk.prompt_token_count;
  if (whole.worker_ids.empty() || whole.worker_ids.back() != chunk.worker_id) whole.worker_ids.push_back(chunk.worker_id);
}

}  // namespace infergrid
