#include "actors/http_bridge/request_framing.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <vector>

namespace infergrid::http {
namespace {

// Content-Length values longer than this are refused (10^18 bytes is beyond any body limit).
constexpr std::size_t max_length_digits = 18;

api_error bad_framing(std::string message) {
  return {400, std::move(message), "invalid_request_error", "", "invalid_request_framing"};
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

struct header_line {
  std::size_t begin = 0;  // offset of the line in the head
  std::size_t end = 0;    // offset past its '\n'
  std::string name;       // lowercased
  std::string_view value;
};

// The head's header lines (the request line and the blank line excluded), or the refusal.
std::optional<api_error> split_headers(std::string_view head, std::vector<header_line>& out) {
  std::size_t at = head.find('\n');
  if (at == std::string_view::npos) return bad_framing("The request has no request line.");
  ++at;
  while (at < head.size()) {
    const std::size_t newline = head.find('\n', at);
    const std::size_t end = newline == std::string_view::npos ? head.size() : newline + 1;
    const std::string_view line = trimmed(head.substr(at, end - at - (newline == std::string_view::npos ? 0 : 1)));
    if (line.empty() && (head[at] == '\r' || head[at] == '\n')) break;  // the blank line ends the head
    if (head[at] == ' ' || head[at] == '\t') return bad_framing("Folded header lines (obs-fold) are not accepted.");
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return bad_framing("A header line has no field name and colon: '" + std::string(line.substr(0, 64)) + "'.");
    }
    const std::string_view name = line.substr(0, colon);
    if (name.find_first_of(" \t") != std::string_view::npos) {
      return bad_framing("The header field name '" + std::string(name.substr(0, 64)) +
                         "' has whitespace before its colon.");
    }
    out.push_back({at, end, lowercase(name), trimmed(line.substr(colon + 1))});
    at = end;
  }
  return std::nullopt;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

api_error head_too_large(std::size_t max_head_bytes) {
  return {431, "The request's headers are larger than " + std::to_string(max_head_bytes) + " bytes.",
          "invalid_request_error", "", "request_header_fields_too_large"};
}

std::optional<api_error> check_request_framing(std::string& head, std::size_t max_body_bytes) {
  std::vector<header_line> lines;
  if (auto refused = split_headers(head, lines)) return refused;
  std::optional<std::string_view> length;
  bool chunked = false;
  for (const header_line& line : lines) {
    if (line.name == "content-length") {
      if (!all_digits(line.value) || line.value.size() > max_length_digits) {
        return bad_framing("Content-Length '" + std::string(line.value.substr(0, 32)) + "' is not a byte count.");
      }
      if (length && *length != line.value) return bad_framing("The request gives two different Content-Lengths.");
      length = line.value;
    } else if (line.name == "transfer-encoding") {
      if (chunked) return bad_framing("The request gives Transfer-Encoding twice.");
      if (lowercase(line.value) != "chunked") {
        return api_error{501, "Transfer-Encoding '" + std::string(line.value.substr(0, 64)) +
                                  "' is not supported; send the body plain or chunked.",
                         "invalid_request_error", "", "unsupported_transfer_encoding"};
      }
      chunked = true;
    }
  }
  if (length && chunked) return bad_framing("The request gives both Content-Length and Transfer-Encoding.");
  if (length && std::stoull(std::string(*length)) > max_body_bytes) return body_too_large(max_body_bytes);
  const std::string_view method = std::string_view(head).substr(0, head.find(' '));
  if (!length && !chunked && (method == "POST" || method == "PUT" || method == "PATCH")) {
    return api_error{411, "A " + std::string(method) + " request needs a Content-Length (or a chunked body).",
                     "invalid_request_error", "", "length_required"};
  }
  // Drop Range lines, last first so the offsets of the earlier ones hold.
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
    if (line->name == "range") head.erase(line->begin, line->end - line->begin);
  }
  return std::nullopt;
}

}  // namespace infergrid::http
