# HTTP bridge overhead vs the ZMQ REQ client (deploy/readme/http.md, "Benchmark").
add_executable(http_bench http_bench.cpp)
target_link_libraries(http_bench PRIVATE infergrid_http_bridge_core infergrid_client infergrid_warnings)
# Every actor kind of deploy/all-in-one.yaml must be linked in to start the grid in-process.
get_property(http_bench_actor_libs GLOBAL PROPERTY INFERGRID_ACTOR_LIBS)
target_link_libraries(http_bench PRIVATE ${http_bench_actor_libs})
if(INFERGRID_BUILD_TESTS)
  add_test(NAME http_bench_leaves_no_files_in_working_directory
    COMMAND ${CMAKE_COMMAND} -DHTTP_BENCH=$<TARGET_FILE:http_bench> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/http_bench_cwd -P ${CMAKE_CURRENT_LIST_DIR}/http_bench_leaves_no_files.cmake)
  set_tests_properties(http_bench_leaves_no_files_in_working_directory PROPERTIES TIMEOUT 300)
  add_test(NAME http_bench_ratio_says_what_it_computes
    COMMAND ${CMAKE_COMMAND} -DHTTP_BENCH=$<TARGET_FILE:http_bench> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
      -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/http_bench_ratio_cwd -P ${CMAKE_CURRENT_LIST_DIR}/http_bench_ratio_says_what_it_computes.cmake)
  set_tests_properties(http_bench_ratio_says_what_it_computes PROPERTIES TIMEOUT 300)
endif()
