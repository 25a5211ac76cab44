#include "kernels/model/chat/chat_renderers.hpp"

namespace infergrid::chat {

std::string_view lstrip(std::string_view text, std::string_view chars) {
  const std::size_t start = text.find_first_not_of(chars);
  return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

std::string_view rstrip(std::string_view text, std::string_view chars) {
  const std::size_t end = text.find_last_not_of(chars);
  return end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1);
}

std::string_view strip(std::string_view text, std::string_view chars) { return rstrip(lstrip(text, chars), chars); }

std::string_view trim(std::string_view text) { return strip(text, " \t\n\r\f\v"); }

std::string_view before_first(std::string_view text, std::string_view separator) {
  return text.substr(0, text.find(separator));
}

std::string_view after_last(std::string_view text, std::string_view separator) {
  const std::size_t at = text.rfind(separator);
  return at == std::string_view::npos ? text : text.substr(at + separator.size());
}

}  // namespace infergrid::chat
