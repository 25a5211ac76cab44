# HTTP bridge overhead vs the ZMQ REQ client (deploy/readme/http.md, "Benchmark").
add_executable(http_bench http_bench.cpp)
target_link_libraries(http_bench PRIVATE infergrid_http_bridge_core infergrid_client infergrid_warnings)
# Every actor kind of deploy/all-in-one.yaml must be linked in to start the grid in-process.
get_property(http_bench_actor_libs GLOBAL PROPERTY INFERGRID_ACTOR_LIBS)
target_link_libraries(http_bench PRIVATE ${http_bench_actor_libs})
