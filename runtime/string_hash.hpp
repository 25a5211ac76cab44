#pragma once
// string_hash: lets unordered maps keyed by std::string be searched with a string_view, without
// building a temporary string on hot paths.
#include <functional>
#include <string_view>

namespace infergrid {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace infergrid
