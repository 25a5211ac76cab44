# Compute layer benchmark: grid round trip vs the engine in-process, tokens/s under concurrency.
get_property(compute_actor_libs GLOBAL PROPERTY INFERGRID_ACTOR_LIBS)
add_executable(compute_bench ${CMAKE_CURRENT_LIST_DIR}/compute_bench.cpp)
target_link_libraries(compute_bench PRIVATE infergrid_client infergrid_engine infergrid_model ${compute_actor_libs}
  infergrid_warnings)
