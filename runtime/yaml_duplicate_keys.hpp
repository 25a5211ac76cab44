#pragma once
// yaml_duplicate_keys: yaml-cpp keeps every pair of a mapping but looks a key up by its first
// occurrence, so `slots: 2, slots: 300` silently means 2 and a second `actors:` list is ignored.
// A config is checked once after loading: a key that appears twice in one mapping, at any depth, is
// an error naming the file, the line of the repeat, the key's path and the line it first appeared on.
//
//   IG_TRY(reject_duplicate_keys(document, "node.yaml"));
//   // node.yaml:9: actors[0].settings.slots: duplicate key (first at line 8); remove one of them
#include <string>

#include <yaml-cpp/yaml.h>

#include "runtime/result.hpp"

namespace infergrid {

// Mappings nested deeper than this are refused rather than walked (a config needs a handful).
inline constexpr int yaml_max_depth = 64;

status reject_duplicate_keys(const YAML::Node& document, const std::string& source);

}  // namespace infergrid
