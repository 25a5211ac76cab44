#pragma once
// message_registry: which message types this process knows. Each message header registers its
// structs once, right after defining them:
//
//   struct ping {
//     static constexpr message_type id = message_type::ping;
//     static constexpr std::uint16_t version = 1;
//     std::uint64_t sequence = 0;
//     MSGPACK_DEFINE(sequence)
//   };
//   IG_REGISTER_MESSAGE(ping);
//
// The codec rejects a type tag nobody registered; tests round-trip every registered type.
#include <concepts>
#include <cstdint>
#include <string_view>
#include <vector>

#include "messages/body.hpp"
#include "messages/ids.hpp"

namespace infergrid {

// What every message struct provides.
template <class T>
concept message = requires {
  { T::id } -> std::convertible_to<message_type>;
  { T::version } -> std::convertible_to<std::uint16_t>;
};

struct message_info {
  message_type type{};
  std::string_view name;
  std::uint16_t version = 0;
  // Encodes a default-constructed instance, decodes it and re-encodes it; ok when bytes match.
  status (*round_trip)() = nullptr;
};

const message_info* find_message(message_type type);
std::vector<const message_info*> registered_messages();
// Registrations that reused a tag already taken by another struct (must stay empty).
std::vector<std::string> message_registry_conflicts();

void register_message(const message_info& info);

template <message T>
status round_trip_default() {
  T original{};
  auto bytes = encode_body(original);
  auto decoded = decode_body<T>(bytes);
  if (!decoded.ok()) return decoded.err();
  if (encode_body(*decoded) != bytes) {
    return make_error(error_code::internal, "re-encoding a decoded message changed its bytes");
  }
  return {};
}

template <message T>
struct message_registration {
  explicit message_registration(std::string_view name) {
    register_message(message_info{T::id, name, T::version, &round_trip_default<T>});
  }
};

}  // namespace infergrid

#define IG_REGISTER_MESSAGE(T) \
  inline const ::infergrid::message_registration<T> ig_message_registration_##T { #T }
