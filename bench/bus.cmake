# Bus benchmark: actor runtime vs raw cppzmq (included from bench/CMakeLists.txt).
add_executable(bus_bench ${CMAKE_CURRENT_LIST_DIR}/bus_bench.cpp)
target_link_libraries(bus_bench PRIVATE infergrid_runtime infergrid_warnings)
