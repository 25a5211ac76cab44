#include "actors/settlement/chain/abi.hpp"

#include <algorithm>

#include "actors/settlement/chain/keccak.hpp"

namespace infergrid::chain {
namespace {

constexpr std::size_t word_size = 32;
// Bound on what a reader accepts as a length, far above any event or return value we decode.
constexpr std::uint64_t max_decoded_length = 1 << 20;

void append_word(bytes& out, const word& value) { out.insert(out.end(), value.begin(), value.end()); }

void append_padded(bytes& out, const bytes& value) {
  append_word(out, word_from_u64(value.size()));
  out.insert(out.end(), value.begin(), value.end());
  out.resize(out.size() + (word_size - value.size() % word_size) % word_size, 0);
}

bool is_static(const abi_value& value) { return std::holds_alternative<word>(value); }

// The tail of a dynamic value (what its head offset points at).
bytes encode_tail(const abi_value& value) {
  bytes out;
  if (const auto* data = std::get_if<abi_bytes>(&value)) {
    append_padded(out, data->value);
  } else if (const auto* words = std::get_if<abi_words>(&value)) {
    append_word(out, word_from_u64(words->value.size()));
    for (const word& w : words->value) append_word(out, w);
  } else if (const auto* list = std::get_if<abi_bytes_list>(&value)) {
    append_word(out, word_from_u64(list->value.size()));
    std::vector<abi_value> elements;
    for (const bytes& element : list->value) elements.push_back(abi_bytes{element});
    const bytes encoded = abi_encode(elements);  // offsets relative to just after the length
    out.insert(out.end(), encoded.begin(), encoded.end());
  }
  return out;
}

}  // namespace

std::array<std::uint8_t, 4> function_selector(std::string_view signature) {
  const word hash = keccak256(signature);
  return {hash[0], hash[1], hash[2], hash[3]};
}

word event_topic(std::string_view signature) { return keccak256(signature); }

bytes abi_encode(const std::vector<abi_value>& arguments) {
  bytes head;
  bytes tail;
  const std::size_t head_size = arguments.size() * word_size;
  for (const abi_value& argument : arguments) {
    if (is_static(argument)) {
      append_word(head, std::get<word>(argument));
      continue;
    }
    append_word(head, word_from_u64(head_size + tail.size()));
    const bytes encoded = encode_tail(argument);
    tail.insert(tail.end(), encoded.begin(), encoded.end());
  }
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

bytes abi_call(std::string_view signature, const std::vector<abi_value>& arguments) {
  const auto selector = function_selector(signature);
  bytes out(selector.begin(), selector.end());
  const bytes encoded = abi_encode(arguments);
  out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

result<word> abi_reader::word_at_offset(std::size_t offset) const {
  if (offset > data_.size() || data_.size() - offset < word_size) {
    return make_error(error_code::malformed_input, "ABI data of " + std::to_string(data_.size()) +
                                                       " bytes ends before the word at byte " + std::to_string(offset));
  }
  word out{};
  std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(offset), word_size, out.begin());
  return out;
}

result<word> abi_reader::word_at(std::size_t slot) const { return word_at_offset(slot * word_size); }

result<std::uint64_t> abi_reader::u64_at(std::size_t slot) const {
  auto value = word_at(slot);
  if (!value) return value.err();
  return u64_from_word(*value);
}

result<address> abi_reader::address_at(std::size_t slot) const {
  auto value = word_at(slot);
  if (!value) return value.err();
  if (std::any_of(value->begin(), value->begin() + 12, [](std::uint8_t b) { return b != 0; })) {
    return make_error(error_code::malformed_input, "ABI address word has nonzero high bytes");
  }
  return address_from_word(*value);
}

result<std::size_t> abi_reader::tail_offset(std::size_t slot) const {
  auto offset = u64_at(slot);
  if (!offset) return offset.err();
  if (*offset > data_.size()) return make_error(error_code::malformed_input, "ABI offset points past the data");
  return static_cast<std::size_t>(*offset);
}

result<bytes> abi_reader::bytes_at(std::size_t slot) const {
  auto offset = tail_offset(slot);
  if (!offset) return offset.err();
  auto length_word = word_at_offset(*offset);
  if (!length_word) return length_word.err();
  auto length = u64_from_word(*length_word);
  if (!length || *length > max_decoded_length || *length > data_.size() - *offset - word_size) {
    return make_error(error_code::malformed_input, "ABI bytes length runs past the data");
  }
  const auto begin = data_.begin() + static_cast<std::ptrdiff_t>(*offset + word_size);
  return bytes(begin, begin + static_cast<std::ptrdiff_t>(*length));
}

result<std::vector<word>> abi_reader::words_at(std::size_t slot) const {
  auto offset = tail_offset(slot);
  if (!offset) return offset.err();
  auto length_word = word_at_offset(*offset);
  if (!length_word) return length_word.err();
  auto count = u64_from_word(*length_word);
  if (!count || *count > max_decoded_length / word_size) return make_error(error_code::malformed_input, "ABI array too long");
  std::vector<word> out;
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto element = word_at_offset(*offset + word_size * (1 + i));
    if (!element) return element.err();
    out.push_back(*element);
  }
  return out;
}

}  // namespace infergrid::chain
