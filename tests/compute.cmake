# Compute layer end-to-end tests: real `infergrid node` processes (hub + workers), real sockets.
add_library(infergrid_compute_grid_support STATIC ${CMAKE_CURRENT_LIST_DIR}/compute_grid.cpp)
target_link_libraries(infergrid_compute_grid_support PUBLIC infergrid_runtime PRIVATE infergrid_warnings fmt::fmt)
infergrid_add_test(compute_grid_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/compute_grid.test.cpp
  LIBS infergrid_compute_grid_support infergrid_client infergrid_reference_llama)
if(TARGET compute_grid_test)
  add_dependencies(compute_grid_test infergrid)
endif()

# Validators end to end: cheating worker processes convicted, slashed and routed around.
infergrid_add_test(validation_grid_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/validation_grid.test.cpp
  LIBS infergrid_compute_grid_support infergrid_client infergrid_model)
if(TARGET validation_grid_test)
  add_dependencies(validation_grid_test infergrid)
endif()
