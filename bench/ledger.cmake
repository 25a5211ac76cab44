# ledger_bench: settled requests/s vs raw SQLite inserts; ledger verify time per million entries.
add_executable(ledger_bench ${CMAKE_CURRENT_LIST_DIR}/ledger_bench.cpp)
target_link_libraries(ledger_bench PRIVATE infergrid_ledger infergrid_warnings)
