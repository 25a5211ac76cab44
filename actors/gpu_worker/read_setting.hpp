#pragma once
// read_setting: overwrite `into` with the setting `key` when it is present (keeping the default
// otherwise); a value of the wrong type is an error naming the file, line and key. Shared by the
// compute actors' config readers (gpu_worker, matchmaker, gateway).
#include <string_view>

#include "runtime/settings.hpp"

namespace infergrid {

template <class T>
status read_setting(const settings& config, std::string_view key, T& into) {
  auto value = config.get<T>(key, into);
  if (!value.ok()) return value.err();
  into = std::move(*value);
  return {};
}

}  // namespace infergrid
