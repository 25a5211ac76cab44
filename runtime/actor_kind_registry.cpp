#include "runtime/actor_kind_registry.hpp"

#include <algorithm>
#include <map>

namespace infergrid {
namespace {

struct kind_entry {
  actor_factory factory = nullptr;
  stop_phase phase = stop_phase::with_others;
  settings_check check = nullptr;
};

// Filled during static initialisation (one thread), read-only afterwards.
std::map<std::string, kind_entry, std::less<>>& kinds() {
  static std::map<std::string, kind_entry, std::less<>> instance;
  return instance;
}

}  // namespace

void register_actor_kind(std::string_view kind, actor_factory factory, stop_phase phase, settings_check check) {
  kinds()[std::string(kind)] = kind_entry{factory, phase, check};
}

actor_factory find_actor_kind(std::string_view kind) {
  auto found = kinds().find(kind);
  return found == kinds().end() ? nullptr : found->second.factory;
}

stop_phase actor_kind_stop_phase(std::string_view kind) {
  auto found = kinds().find(kind);
  return found == kinds().end() ? stop_phase::with_others : found->second.phase;
}

settings_check actor_kind_settings_check(std::string_view kind) {
  auto found = kinds().find(kind);
  return found == kinds().end() ? nullptr : found->second.check;
}

std::vector<std::string> actor_kinds() {
  std::vector<std::string> out;
  for (const auto& [name, entry] : kinds()) out.push_back(name);
  return out;
}

}  // namespace infergrid
