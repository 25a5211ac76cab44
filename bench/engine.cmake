# Benchmarks of the Vulkan engine: kernel throughput and whole-model prefill/decode.
add_executable(kernels_bench ${CMAKE_CURRENT_LIST_DIR}/kernels_bench.cpp)
target_link_libraries(kernels_bench PRIVATE infergrid_engine fmt::fmt infergrid_warnings)
add_executable(decode_bench ${CMAKE_CURRENT_LIST_DIR}/decode_bench.cpp)
target_link_libraries(decode_bench PRIVATE infergrid_engine fmt::fmt Threads::Threads infergrid_warnings)
# response_format json_object: decode with the JSON token mask vs without (issue 15).
add_executable(json_mask_bench ${CMAKE_CURRENT_LIST_DIR}/json_mask_bench.cpp)
target_link_libraries(json_mask_bench PRIVATE infergrid_engine infergrid_worker_common fmt::fmt infergrid_warnings)
