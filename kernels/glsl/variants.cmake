# The one table of shader variants: each entry "name|source.comp|DEFINE,DEFINE...". Kernels that
# read weights are crossed with the weight types and the two access paths (uniform texel buffers,
# storage buffers); kernels that reduce are crossed with subgroup arithmetic vs a shared-memory
# fallback. The host picks a variant by name (kernels/vk/shader_names.hpp builds the same names).
set(infergrid_weight_types f32 f16 q8_0 q4_0)
set(infergrid_shader_variants)

foreach(type ${infergrid_weight_types})
  string(TOUPPER ${type} type_define)
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
        "matmul_${type}_${access}_${reduction}|matmul.comp|DATA_A_${type_define},${access_defines},${reduction_defines}")
    endforeach()
    list(APPEND infergrid_shader_variants
      "matmul_${type}_${access}_row_per_lane|matmul.comp|DATA_A_${type_define},${access_defines},ROW_PER_LANE")
    list(APPEND infergrid_shader_variants
      "matmul_${type}_${access}_row_per_lane_x_from_lanes|matmul.comp|DATA_A_${type_define},${access_defines},ROW_PER_LANE,X_FROM_LANES")
    list(APPEND infergrid_shader_variants
      "embedding_${type}_${access}|embedding.comp|DATA_A_${type_define},${access_defines}")
  endforeach()
endforeach()

foreach(kernel rms_norm attention)
  list(APPEND infergrid_shader_variants "${kernel}_subgroup|${kernel}.comp|USE_SUBGROUP" "${kernel}_shared|${kernel}.comp|"
    "${kernel}_subgroup_only|${kernel}.comp|USE_SUBGROUP,SUBGROUP_ONLY")
endforeach()

list(APPEND infergrid_shader_variants "argmax_subgroup_only|argmax.comp|USE_SUBGROUP,SUBGROUP_ONLY")
foreach(kernel rope_kv qk_norm swiglu add argmax)
  list(APPEND infergrid_shader_variants "${kernel}|${kernel}.comp|")
endforeach()
