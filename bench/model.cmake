# Benchmarks of the model layer (kernels/model).
add_executable(bench_model_load model_load.cpp)
target_link_libraries(bench_model_load PRIVATE infergrid_model infergrid_warnings)
