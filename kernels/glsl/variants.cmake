# The one table of shader variants: each entry "name|source.comp|DEFINE,DEFINE...". Kernels that
# read weights are crossed with the weight types and the two access paths (uniform texel buffers,
# storage buffers); kernels that reduce are crossed with subgroup arithmetic vs a shared-memory
# fallback. The host picks a variant by name; kernels/vk/CMakeLists.txt writes the names into a
# generated header, and kernels/engine/kernel_library.cpp checks at compile time that every name it
# builds is among them.
# The weight types are the rows of the type table (kernels/model/ggml_type.hpp): each row's CLI
# name and GLSL define, read from the header itself so the two cannot disagree.
set(infergrid_type_table ${CMAKE_CURRENT_LIST_DIR}/../model/ggml_type.hpp)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${infergrid_type_table})
file(READ ${infergrid_type_table} type_table_text)
string(REGEX MATCHALL "\"[a-z0-9_]+\", [0-9]+, [0-9]+, \"DATA_A_[A-Z0-9_]+\"" type_rows "${type_table_text}")
set(infergrid_weight_types)
foreach(row ${type_rows})
  string(REGEX REPLACE "^\"([a-z0-9_]+)\".*\"(DATA_A_[A-Z0-9_]+)\"$" "\\1;\\2" fields "${row}")
  list(GET fields 0 type)
  list(GET fields 1 define)
  list(APPEND infergrid_weight_types ${type})
  set(infergrid_type_define_${type} ${define})
endforeach()
list(LENGTH infergrid_weight_types type_count)
if(type_count LESS 4)
  message(FATAL_ERROR "variants.cmake read ${type_count} weight types from ${infergrid_type_table}: has the row format changed?")
endif()
set(infergrid_shader_variants)

foreach(type ${infergrid_weight_types})
  set(type_define ${infergrid_type_define_${type}})
  foreach(access texel storage)
    set(access_defines "")
    if(access STREQUAL "storage")
      set(access_defines "WEIGHTS_STORAGE")
    endif()
    foreach(reduction subgroup shared subgroup_only)
      set(reduction_defines "")
      if(reduction STREQUAL "subgroup")
        set(reduction_defines "USE_SUBGROUP")
      elseif(reduction STREQUAL "subgroup_only")
        set(reduction_defines "USE_SUBGROUP,SUBGROUP_ONLY")
      endif()
      list(APPEND infergrid_shader_variants
        "matmul_${type}_${access}_${reduction}|matmul.comp|${type_define},${access_defines},${reduction_defines}")
    endforeach()
    list(APPEND infergrid_shader_variants
      "matmul_${type}_${access}_row_per_lane|matmul.comp|${type_define},${access_defines},ROW_PER_LANE")
    list(APPEND infergrid_shader_variants
      "matmul_${type}_${access}_row_per_lane_x_from_lanes|matmul.comp|${type_define},${access_defines},ROW_PER_LANE,X_FROM_LANES")
    list(APPEND infergrid_shader_variants
      "matmul_tiled_${type}_${access}|matmul_tiled.comp|${type_define},${access_defines}")
    list(APPEND infergrid_shader_variants
      "embedding_${type}_${access}|embedding.comp|${type_define},${access_defines}")
  endforeach()
endforeach()

foreach(kernel rms_norm attention)
  list(APPEND infergrid_shader_variants "${kernel}_subgroup|${kernel}.comp|USE_SUBGROUP" "${kernel}_shared|${kernel}.comp|"
    "${kernel}_subgroup_only|${kernel}.comp|USE_SUBGROUP,SUBGROUP_ONLY")
endforeach()

list(APPEND infergrid_shader_variants "argmax_subgroup_only|argmax.comp|USE_SUBGROUP,SUBGROUP_ONLY")
list(APPEND infergrid_shader_variants "rope_kv_f16|rope_kv.comp|KV_F16")
foreach(kernel rope_kv qk_norm swiglu add argmax)
  list(APPEND infergrid_shader_variants "${kernel}|${kernel}.comp|")
endforeach()
