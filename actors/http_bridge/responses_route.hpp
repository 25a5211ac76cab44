#pragma once
// responses_route: `POST /v1/responses` (OpenAI's Responses API) on an HTTP thread — authenticate,
// read the body as the chat request it amounts to (responses_request), start its job as chat
// completions do (completion_jobs: the same prices, escrow, receipts and audits), then answer with
// the response object or stream its typed events (responses_stream). One output per request (no `n`).
// Kept (response_store) unless `store: false`, for `previous_response_id` and
// GET / DELETE /v1/responses/{id} by the same account.
#include <string>

#include <httplib.h>

#include "actors/http_bridge/bridge_shared.hpp"

namespace infergrid::http {

inline constexpr const char* responses_path = "/v1/responses";

// `body` is the request body, read (and size-checked while streaming) by http_server.
void serve_responses(bridge_shared& shared, const httplib::Request& req, const std::string& body, httplib::Response& res);
// GET /v1/responses/{id} (the response as answered) and DELETE (`{"id", "object", "deleted": true}`);
// 404 unless the key's account made it and it is still kept.
void serve_stored_response(bridge_shared& shared, const httplib::Request& req, const std::string& id,
                           httplib::Response& res);

}  // namespace infergrid::http
