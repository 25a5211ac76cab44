#pragma once
// openai_request: the bridge's one view of `POST /v1/chat/completions` and `POST /v1/completions`
// bodies, validated. Parsing names the first bad field the way OpenAI does (`param`:
// "messages[1].role", "stop[2]", "provider.max_price.prompt"). Known fields the grid does not
// implement (best_of, audio, ...) are 400s naming them unless their value asks for nothing;
// other unknown fields are ignored, as OpenAI-compatible servers commonly do, so newer SDKs keep working.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "actors/http_bridge/api_error.hpp"
#include "actors/http_bridge/tool_request.hpp"
#include "kernels/model/chat/chat_message.hpp"
#include "kernels/model/json_number_texts.hpp"

namespace infergrid::http {

enum class endpoint_kind { chat, text, embedding };

using chat::chat_message;

// OpenRouter's `provider` object: routing preferences handed to the matchmaker.
struct routing_preferences {
  std::vector<std::string> order;          // miners to try first, in this order
  std::vector<std::string> only;           // miners allowed (empty = any)
  std::vector<std::string> ignore;         // miners never used
  std::vector<std::string> quantizations;  // weight types allowed ("q8_0", "f16"; empty = any)
  // Highest acceptable price in USD per million tokens, as OpenRouter clients send it; 0 = no cap.
  double max_price_prompt = 0;
  double max_price_completion = 0;
  bool allow_fallbacks = true;  // may the matchmaker use miners outside `order`
};

// Limits of what a request may ask for (from the bridge's settings).
struct request_limits {
  std::int64_t default_max_tokens = 256;   // used when the request names none
  std::int64_t max_tokens_limit = 4096;    // larger requests are refused (400, param max_tokens)
  std::size_t max_messages = 256;          // messages in one chat request
  std::size_t max_stop_sequences = 4;      // OpenAI's limit
  std::size_t max_stop_bytes = 256;        // length of one stop sequence
};

struct completion_request {
  endpoint_kind kind = endpoint_kind::chat;
  std::string model;
  std::vector<chat_message> messages;  // chat
  std::string prompt;                  // text completions (a choice's own; the first of `prompts`)
  // text completions: every prompt of the request (`prompt` as an array of strings), each answered
  // by `choices` choices, indexed prompt_index * choices + i as OpenAI does.
  std::vector<std::string> prompts;
  std::string suffix;                  // text completions: fill in between prompt and suffix (fill_in_middle.hpp)
  bool echo = false;                   // text completions: the answer starts with the prompt
  std::int64_t max_tokens = 0;         // resolved: the request's value or the default
  std::int64_t choices = 1;            // `n`: independent completions, each its own job (1..8)
  double temperature = 1.0;
  double top_p = 1.0;
  double frequency_penalty = 0;
  double presence_penalty = 0;
  // The sampler fields vLLM and llama.cpp's server accept beside OpenAI's (kernels/model/sampler.hpp):
  // `top_k` (0 = off), `min_p` (0 = off), `repetition_penalty` or llama.cpp's `repeat_penalty` (1 = off).
  std::int64_t top_k = 0;
  double min_p = 0;
  double repeat_penalty = 1.0;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> stop;
  // Stop strings kept in the output (inference_request::stop_after): `stop` with vLLM's
  // `include_stop_str_in_output: true`, and the end of the first call for parallel_tool_calls false.
  std::vector<std::string> stop_after;
  // A thinking model's reply: stop_after strings count only past its reasoning block
  // (inference_request::stop_after_reasoning; set with the prompt, by render_chat_prompt).
  std::uint8_t stop_after_reasoning = 0;
  // `logit_bias`: token id -> bias in [-100, 100], added to the logits (ids checked against the
  // vocabulary by the route where the model's file is known, and always by the worker).
  std::vector<std::pair<std::int32_t, float>> logit_bias;
  // What the worker's sampler enforces (sampling_params output_format/output_schema/output_prefix/
  // output_suffix): "json_object" or "json_schema" from `response_format`, or a forced tool call
  // (tool_choice required or named); format "" is free text.
  struct output_rules {
    std::string format;
    std::string schema;  // JSON Schema text, key order as sent
    std::string prefix;
    std::string suffix;
  } output;
  tool_request tools;  // chat: tools, tool_choice, parallel_tool_calls
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
  bool logprobs = false;        // chat: `logprobs`; completions: `logprobs` given (not null)
  std::int32_t top_logprobs = 0;  // chat: `top_logprobs` (0..20); completions: the `logprobs` count (0..5)
  routing_preferences provider;
  std::string user;  // end-user id the client passes along (logged, not trusted)
  // chat: `chat_template_kwargs.enable_thinking` (vLLM's and llama.cpp's name), Qwen3's template switch;
  // else from OpenAI's `reasoning_effort` (none/minimal: off; low/medium/high: on).
  std::optional<bool> enable_thinking;
};

using parsed_request = std::variant<completion_request, api_error>;

// `body` is the raw request body; JSON syntax errors, wrong types and out-of-range values are
// 400s naming the field.
parsed_request parse_chat_request(std::string_view body, const request_limits& limits);
parsed_request parse_text_request(std::string_view body, const request_limits& limits);
// A chat body already parsed with its key order and its numbers' texts (/v1/responses translates
// its body into one).
parsed_request parse_chat_document(const model::json_with_number_texts& body, const request_limits& limits);

}  // namespace infergrid::http
