#pragma once
// Compile-time checks of the shader variant names the host asks for against the generated list
// of what kernels/glsl/variants.cmake compiles (kernels/vk/shader_variant_names.hpp, build tree):
// a misnamed or missing variant fails the build, not a model load.
#include <string_view>

#include "kernels/model/ggml_type.hpp"
#include "kernels/vk/shader_variant_names.hpp"

namespace infergrid::engine::shader_variants {

// Whether prefix + middle + suffix is a compiled variant.
constexpr bool embedded(std::string_view prefix, std::string_view middle = {}, std::string_view suffix = {}) {
  for (std::string_view name : vk::shader_variant_names) {
    if (name.size() == prefix.size() + middle.size() + suffix.size() && name.starts_with(prefix) &&
        name.substr(prefix.size(), middle.size()) == middle && name.ends_with(suffix)) {
      return true;
    }
  }
  return false;
}

// Whether kernel + "_" + every type's cli_name + suffix is compiled.
constexpr bool every_type_has(std::string_view kernel_prefix, std::string_view suffix) {
  for (const model::type_traits& t : model::all_types) {
    if (!embedded(kernel_prefix, t.cli_name, suffix)) return false;
  }
  return true;
}

// A fixed variant name, checked while compiling (a name not compiled is a compile error).
consteval std::string_view checked(std::string_view name) {
  if (!embedded(name)) throw "shader variant not compiled by kernels/glsl/variants.cmake";
  return name;
}

}  // namespace infergrid::engine::shader_variants
