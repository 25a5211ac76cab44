#pragma once
// header_text: what reading an HTTP header's value needs (RFC 9110 §5.6): blanks (space, tab)
// around it dropped, and tokens compared ignoring case.
#include <cstddef>
#include <string_view>

namespace infergrid::http {

inline bool is_blank(char c) { return c == ' ' || c == '\t'; }

inline std::string_view without_blanks(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

inline bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace infergrid::http
