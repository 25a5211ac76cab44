#include "runtime/actor_kind_registry.hpp"

#include <algorithm>
#include <map>

namespace infergrid {
namespace {

// Filled during static initialisation (one thread), read-only afterwards.
std::map<std::string, actor_factory, std::less<>>& kinds() {
  static std::map<std::string, actor_factory, std::less<>> instance;
  return instance;
}

}  // namespace

void register_actor_kind(std::string_view kind, actor_factory factory) { kinds()[std::string(kind)] = factory; }

actor_factory find_actor_kind(std::string_view kind) {
  auto found = kinds().find(kind);
  return found == kinds().end() ? nullptr : found->second;
}

std::vector<std::string> actor_kinds() {
  std::vector<std::string> out;
  for (const auto& [name, factory] : kinds()) out.push_back(name);
  return out;
}

}  // namespace infergrid
