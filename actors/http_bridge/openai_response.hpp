#pragma once
// openai_response: the JSON the bridge answers with, in OpenAI's shapes — `chat.completion`,
// `chat.completion.chunk`, `text_completion` (whole and streamed) and the model list. Every
// response names the miner that served it: `system_fingerprint` ("miner:<name>") and an extra
// top-level `miner` field, which OpenAI clients pass through untouched.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/model_pricing.hpp"

#include "actors/http_bridge/openai_request.hpp"
#include "kernels/model/chat/chat_message.hpp"
#include "messages/inference.hpp"

namespace infergrid::http {

struct usage_counts {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  // Thinking models: the completion tokens of the <think> block (completion_tokens_details.reasoning_tokens).
  std::optional<std::int64_t> reasoning_tokens = std::nullopt;
};

// What identifies one response across its chunks.
struct response_header {
  std::string id;       // "chatcmpl-…" / "cmpl-…"
  std::int64_t created_s = 0;
  std::string model;
  std::string miner;    // the worker that served it ("" until known)
};

// A piece of generated text (one chunk of a stream, or the whole answer).
struct completion_piece {
  std::string text;
  std::vector<token_logprob> logprobs;  // one per token of the piece when requested, else empty
  std::string finish_reason;            // "" while streaming, then "stop", "length" or "tool_calls"
  // /v1/completions: the text_offset of logprobs[0], i.e. the characters of the tokens streamed
  // before this piece (0 for a whole answer).
  std::int64_t text_offset = 0;
  // chat: tool calls the model made (with their ids); in a stream, those this chunk completes,
  // numbered from first_call_index.
  std::vector<chat::tool_call> tool_calls = {};
  std::size_t first_call_index = 0;
  std::size_t index = 0;  // the choice (`n` > 1) this piece belongs to
  std::string reasoning = {};  // chat, thinking models: text of the <think> block (`reasoning_content`)
  // chat: the output was due to be a tool call (tool_choice forced one), so an empty text is no
  // content: message.content is null, as with calls, not "".
  bool call_expected = false;
};

// Characters (Unicode code points) the pieces' token texts add up to: where a stream's next
// text_offset starts. A byte token that continues a UTF-8 character adds none.
std::int64_t token_text_characters(const std::vector<token_logprob>& logprobs);

nlohmann::json usage_json(const usage_counts& usage);

// Chat's logprobs.content (and the Responses API's output_text.logprobs): per token
// {"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}…]}.
nlohmann::json token_logprobs_json(const std::vector<token_logprob>& tokens);

// `logprobs` is null unless with_logprobs, else OpenAI's shape for the endpoint:
//   chat         {"content": [{"token", "logprob", "bytes", "top_logprobs": [{"token", "logprob", "bytes"}…]}…],
//                 "refusal": null}; top_logprobs has exactly the request's top_logprobs entries
//   completions  {"tokens": […], "token_logprobs": […], "top_logprobs": [{token: logprob, …}…],
//                 "text_offset": […]}; each top_logprobs object also holds the sampled token (so up to
//                 logprobs + 1 entries, as OpenAI documents)
// A token that is part of a UTF-8 character shows U+FFFD in "token"; "bytes" holds its exact bytes.
// The whole (non-streamed) answer.
nlohmann::json completion_json(endpoint_kind kind, const response_header& header, const completion_piece& answer,
                               bool with_logprobs, const usage_counts& usage);
// The same with several choices (`n` > 1), in the order given.
nlohmann::json completion_json(endpoint_kind kind, const response_header& header,
                               const std::vector<completion_piece>& answers, bool with_logprobs, const usage_counts& usage);
// One streamed chunk. The first chat chunk carries role "assistant"; `usage` is null in every
// chunk when include_usage is set (OpenAI's shape), absent otherwise.
nlohmann::json chunk_json(endpoint_kind kind, const response_header& header, const completion_piece& piece,
                          bool first, bool with_logprobs, bool include_usage);
// The last chunk when stream_options.include_usage is set: no choices, the usage.
nlohmann::json usage_chunk_json(endpoint_kind kind, const response_header& header, const usage_counts& usage);

struct served_model {
  std::string id;
  std::string owned_by;
  std::int64_t context_length = 0;
  std::int64_t workers = 0;
  // The matchmaker's supply signal for the model (exported on /metrics).
  std::int64_t free_slots = 0;
  std::int64_t running = 0;
  std::int64_t queued = 0;
  std::int64_t utilisation_permille = 0;
  price_index_view prices;  // the matchmaker's price index: `pricing` and `price_index` on /v1/models
  // OpenAI's `created`: when this bridge first saw a worker serve the model (Unix seconds), the
  // same on every call (model_catalog stamps it).
  std::int64_t created_s = 0;
};
nlohmann::json model_list_json(const std::vector<served_model>& models);
// One model, as `GET /v1/models/{id}` answers it.
nlohmann::json model_json(const served_model& model);

}  // namespace infergrid::http
