#include "actors/settlement/ledger/operation_codec.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace infergrid::ledger {
namespace {

template <class T>
byte_vector pack(const T& value) {
  msgpack::sbuffer buffer;
  msgpack::pack(buffer, value);
  return byte_vector(buffer.data(), buffer.data() + buffer.size());
}

template <std::size_t... index>
operation convert_alternative(std::size_t kind, const msgpack::object& fields, std::index_sequence<index...>) {
  operation op;
  // Exactly one alternative matches `kind`; the caller checked the range.
  ((kind == index ? (op = fields.as<std::variant_alternative_t<index, operation>>(), true) : false) || ...);
  return op;
}

template <class T>
result<T> unpack_canonical(std::span<const std::uint8_t> bytes, const char* what) {
  T value;
  try {
    const msgpack::object_handle handle =
        msgpack::unpack(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    value = handle.get().as<T>();
  } catch (const std::exception& e) {
    return make_error(error_code::malformed_input, std::string(what) + " does not decode: " + e.what());
  }
  const byte_vector again = pack(value);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) {
    return make_error(error_code::malformed_input, std::string(what) + " is not canonically encoded");
  }
  return value;
}

}  // namespace

std::string_view operation_name(const operation& op) {
  static constexpr std::string_view names[] = {"deposit", "withdraw",          "mint",   "burn",   "transfer",
                                               "stake",   "unbond",            "withdraw_unbonded",  "escrow",
                                               "settle",  "refund",            "verdict", "epoch_close",
                                               "partial_settle", "unbonding_paid", "chain_slash"};
  static_assert(std::size(names) == std::variant_size_v<operation>);
  return names[op.index()];
}

byte_vector encode_operation(const operation& op) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  packer.pack_array(2);
  packer.pack(static_cast<std::uint64_t>(op.index()));
  std::visit([&](const auto& alternative) { packer.pack(alternative); }, op);
  return byte_vector(buffer.data(), buffer.data() + buffer.size());
}

result<operation> decode_operation(std::span<const std::uint8_t> bytes) {
  operation op;
  try {
    const msgpack::object_handle handle =
        msgpack::unpack(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const msgpack::object& root = handle.get();
    if (root.type != msgpack::type::ARRAY || root.via.array.size != 2) {
      return make_error(error_code::malformed_input, "operation is not a [kind, fields] array");
    }
    const auto kind = root.via.array.ptr[0].as<std::uint64_t>();
    if (kind >= std::variant_size_v<operation>) {
      return make_error(error_code::unsupported, "unknown operation kind " + std::to_string(kind));
    }
    op = convert_alternative(kind, root.via.array.ptr[1], std::make_index_sequence<std::variant_size_v<operation>>{});
  } catch (const std::exception& e) {
    return make_error(error_code::malformed_input, std::string("operation does not decode: ") + e.what());
  }
  const byte_vector again = encode_operation(op);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) {
    return make_error(error_code::malformed_input, "operation is not canonically encoded");
  }
  return op;
}

byte_vector encode_outcome(const outcome& out) { return pack(out); }

result<outcome> decode_outcome(std::span<const std::uint8_t> bytes) {
  return unpack_canonical<outcome>(bytes, "outcome");
}

byte_vector signing_bytes(const settlement_receipt& receipt) {
  return pack(std::make_tuple(std::string("infergrid.receipt.v1"), receipt));
}

byte_vector signing_bytes(const verdict& body) {
  return pack(std::make_tuple(std::string("infergrid.verdict.v1"), body));
}

}  // namespace infergrid::ledger
