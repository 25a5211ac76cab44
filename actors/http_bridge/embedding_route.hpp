#pragma once
// embedding_route: `POST /v1/embeddings` on an HTTP thread — authenticate, validate, reserve each
// input's maximum cost (its prompt tokens at the price cap), hand one embedding job per input to the
// actor through the bounded inbox, wait for all, and answer in OpenAI's shape (embedding_response).
// Each input is its own job on the grid: its own worker, escrow, receipt, audit and bill, billed
// for its prompt tokens only.
#include <httplib.h>

#include <string>

#include "actors/http_bridge/bridge_shared.hpp"

namespace infergrid::http {

// Inputs one request may embed (each a job that runs at once).
inline constexpr std::size_t max_embedding_inputs = 64;

void serve_embeddings(bridge_shared& shared, const httplib::Request& req, const std::string& body,
                      httplib::Response& res);

}  // namespace infergrid::http
