# Benchmarks of the Vulkan engine: kernel throughput and whole-model prefill/decode.
add_executable(kernels_bench ${CMAKE_CURRENT_LIST_DIR}/kernels_bench.cpp)
target_link_libraries(kernels_bench PRIVATE infergrid_engine fmt::fmt infergrid_warnings)
# README's `kernels_bench 4096 768 Q4_K` names a type: a name it does not know is refused with the
# known ones (before, it benchmarked nothing and exited 0).
if(INFERGRID_BUILD_TESTS)
  add_test(NAME kernels_bench_unknown_type_is_refused COMMAND kernels_bench 64 64 q4_k)
  set_tests_properties(kernels_bench_unknown_type_is_refused PROPERTIES
    PASS_REGULAR_EXPRESSION "unknown type 'q4_k' \\(one of F32, .*Q4_K")
endif()
add_executable(decode_bench ${CMAKE_CURRENT_LIST_DIR}/decode_bench.cpp)
target_link_libraries(decode_bench PRIVATE infergrid_engine fmt::fmt Threads::Threads infergrid_warnings)
# response_format json_object: decode with the JSON token mask vs without (issue 15).
add_executable(json_mask_bench ${CMAKE_CURRENT_LIST_DIR}/json_mask_bench.cpp)
target_link_libraries(json_mask_bench PRIVATE infergrid_engine infergrid_worker_common fmt::fmt infergrid_warnings)
