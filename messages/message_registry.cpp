#include "messages/message_registry.hpp"

#include <array>
#include <string>

namespace infergrid {
namespace {

struct registry {
  std::array<message_info, max_message_type> entries{};
  std::array<bool, max_message_type> present{};
  std::vector<std::string> conflicts;
};

// Filled during static initialisation (one thread), read-only afterwards.
registry& the_registry() {
  static registry instance;
  return instance;
}

}  // namespace

void register_message(const message_info& info) {
  auto& reg = the_registry();
  const auto tag = static_cast<std::uint16_t>(info.type);
  if (tag == 0 || tag >= max_message_type) {
    reg.conflicts.push_back(std::string(info.name) + ": tag " + std::to_string(tag) + " out of range");
    return;
  }
  if (reg.present[tag]) {
    if (reg.entries[tag].name != info.name) {
      reg.conflicts.push_back(std::string(info.name) + " reuses tag " + std::to_string(tag) + " of " +
                              std::string(reg.entries[tag].name));
    }
    return;
  }
  reg.entries[tag] = info;
  reg.present[tag] = true;
}

const message_info* find_message(message_type type) {
  const auto tag = static_cast<std::uint16_t>(type);
  auto& reg = the_registry();
  if (tag >= max_message_type || !reg.present[tag]) return nullptr;
  return &reg.entries[tag];
}

std::vector<const message_info*> registered_messages() {
  std::vector<const message_info*> out;
  auto& reg = the_registry();
  for (std::size_t tag = 0; tag < max_message_type; ++tag) {
    if (reg.present[tag]) out.push_back(&reg.entries[tag]);
  }
  return out;
}

std::vector<std::string> message_registry_conflicts() { return the_registry().conflicts; }

}  // namespace infergrid
