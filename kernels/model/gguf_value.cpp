#include "kernels/model/gguf_value.hpp"

#include <limits>
#include <utility>

namespace infergrid::model {
namespace {

error wrong_type(const gguf_value& v, std::string_view what, std::string_view wanted) {
  return make_error(error_code::malformed_input,
                    std::string(what) + " is " + std::string(to_string(v.type)) + ", expected " + std::string(wanted));
}

template <class T>
result<T> integer_as(const gguf_value& v, std::string_view what, std::string_view wanted) {
  if (is_unsigned_integer(v.type)) {
    if (std::in_range<T>(v.unsigned_value)) return static_cast<T>(v.unsigned_value);
    return make_error(error_code::malformed_input,
                      std::string(what) + " = " + std::to_string(v.unsigned_value) + " does not fit " + std::string(wanted));
  }
  if (is_signed_integer(v.type)) {
    if (std::in_range<T>(v.signed_value)) return static_cast<T>(v.signed_value);
    return make_error(error_code::malformed_input,
                      std::string(what) + " = " + std::to_string(v.signed_value) + " does not fit " + std::string(wanted));
  }
  return wrong_type(v, what, wanted);
}

template <class T, class Convert>
result<std::vector<T>> array_as(const gguf_value& v, std::string_view what, std::string_view wanted, Convert convert) {
  if (v.type != gguf_value_type::array) return wrong_type(v, what, std::string("array of ") + std::string(wanted));
  std::vector<T> out;
  out.reserve(v.items.size());
  for (const gguf_value& item : v.items) {
    auto converted = convert(item, what);
    if (!converted) return converted.err();
    out.push_back(std::move(*converted));
  }
  return out;
}

}  // namespace

std::optional<gguf_value_type> value_type_from_id(std::uint32_t raw) {
  if (raw > static_cast<std::uint32_t>(gguf_value_type::float64)) return std::nullopt;
  return static_cast<gguf_value_type>(raw);
}

std::string_view to_string(gguf_value_type type) {
  switch (type) {
    case gguf_value_type::uint8: return "uint8";
    case gguf_value_type::int8: return "int8";
    case gguf_value_type::uint16: return "uint16";
    case gguf_value_type::int16: return "int16";
    case gguf_value_type::uint32: return "uint32";
    case gguf_value_type::int32: return "int32";
    case gguf_value_type::float32: return "float32";
    case gguf_value_type::boolean: return "bool";
    case gguf_value_type::string: return "string";
    case gguf_value_type::array: return "array";
    case gguf_value_type::uint64: return "uint64";
    case gguf_value_type::int64: return "int64";
    case gguf_value_type::float64: return "float64";
  }
  return "unknown";
}

std::size_t scalar_bytes(gguf_value_type type) {
  switch (type) {
    case gguf_value_type::uint8:
    case gguf_value_type::int8:
    case gguf_value_type::boolean: return 1;
    case gguf_value_type::uint16:
    case gguf_value_type::int16: return 2;
    case gguf_value_type::uint32:
    case gguf_value_type::int32:
    case gguf_value_type::float32: return 4;
    case gguf_value_type::uint64:
    case gguf_value_type::int64:
    case gguf_value_type::float64: return 8;
    case gguf_value_type::string:
    case gguf_value_type::array: return 0;
  }
  return 0;
}

bool is_unsigned_integer(gguf_value_type type) {
  return type == gguf_value_type::uint8 || type == gguf_value_type::uint16 || type == gguf_value_type::uint32 ||
         type == gguf_value_type::uint64;
}

bool is_signed_integer(gguf_value_type type) {
  return type == gguf_value_type::int8 || type == gguf_value_type::int16 || type == gguf_value_type::int32 ||
         type == gguf_value_type::int64;
}

bool is_float(gguf_value_type type) { return type == gguf_value_type::float32 || type == gguf_value_type::float64; }

gguf_value gguf_value::of_unsigned(gguf_value_type type, std::uint64_t v) {
  gguf_value out;
  out.type = type;
  out.unsigned_value = v;
  return out;
}

gguf_value gguf_value::of_signed(gguf_value_type type, std::int64_t v) {
  gguf_value out;
  out.type = type;
  out.signed_value = v;
  return out;
}

gguf_value gguf_value::of_float(gguf_value_type type, double v) {
  gguf_value out;
  out.type = type;
  out.float_value = v;
  return out;
}

gguf_value gguf_value::of_bool(bool v) { return of_unsigned(gguf_value_type::boolean, v ? 1 : 0); }

gguf_value gguf_value::of_string(std::string v) {
  gguf_value out;
  out.type = gguf_value_type::string;
  out.string_value = std::move(v);
  return out;
}

gguf_value gguf_value::of_array(gguf_value_type element_type, std::vector<gguf_value> items) {
  gguf_value out;
  out.type = gguf_value_type::array;
  out.element_type = element_type;
  out.items = std::move(items);
  return out;
}

result<std::uint64_t> as_u64(const gguf_value& v, std::string_view what) {
  return integer_as<std::uint64_t>(v, what, "u64");
}
result<std::uint32_t> as_u32(const gguf_value& v, std::string_view what) {
  return integer_as<std::uint32_t>(v, what, "u32");
}
result<std::int64_t> as_i64(const gguf_value& v, std::string_view what) {
  return integer_as<std::int64_t>(v, what, "i64");
}
result<std::int32_t> as_i32(const gguf_value& v, std::string_view what) {
  return integer_as<std::int32_t>(v, what, "i32");
}

result<float> as_f32(const gguf_value& v, std::string_view what) {
  if (is_float(v.type)) return static_cast<float>(v.float_value);
  return wrong_type(v, what, "a float");
}

result<bool> as_bool(const gguf_value& v, std::string_view what) {
  if (v.type == gguf_value_type::boolean) return v.unsigned_value != 0;
  return wrong_type(v, what, "bool");
}

result<std::string> as_string(const gguf_value& v, std::string_view what) {
  if (v.type == gguf_value_type::string) return v.string_value;
  return wrong_type(v, what, "string");
}

result<std::vector<std::string>> as_string_array(const gguf_value& v, std::string_view what) {
  return array_as<std::string>(v, what, "string", as_string);
}
result<std::vector<float>> as_f32_array(const gguf_value& v, std::string_view what) {
  return array_as<float>(v, what, "float", as_f32);
}
result<std::vector<std::int32_t>> as_i32_array(const gguf_value& v, std::string_view what) {
  return array_as<std::int32_t>(v, what, "i32", as_i32);
}

}  // namespace infergrid::model
