# Benchmarks of the Vulkan engine: kernel throughput and whole-model prefill/decode.
add_executable(kernels_bench ${CMAKE_CURRENT_LIST_DIR}/kernels_bench.cpp)
target_link_libraries(kernels_bench PRIVATE infergrid_engine fmt::fmt infergrid_warnings)
add_executable(decode_bench ${CMAKE_CURRENT_LIST_DIR}/decode_bench.cpp)
target_link_libraries(decode_bench PRIVATE infergrid_engine fmt::fmt Threads::Threads infergrid_warnings)
