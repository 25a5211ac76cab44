#pragma once
// sse_writer: Server-Sent Events framing as OpenAI streams use it — each event one `data: <json>`
// line and a blank line; the stream ends with `data: [DONE]`. An error after the headers were
// sent is one more `data: {"error": ...}` event (the status line can no longer change).
#include <string>

#include <nlohmann/json.hpp>

#include "actors/http_bridge/api_error.hpp"

namespace infergrid::http {

inline constexpr const char* sse_content_type = "text/event-stream";

// "data: <compact json>\n\n". JSON escapes newlines, so one event is always one data line.
std::string sse_event(const nlohmann::json& payload);
// "event: <type>\ndata: <compact json>\n\n": the Responses API's typed events (no [DONE] after them).
std::string sse_typed_event(const std::string& type, const nlohmann::ordered_json& payload);
std::string sse_done();
std::string sse_error(const api_error& failure);

}  // namespace infergrid::http
