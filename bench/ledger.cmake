# ledger_bench: settled requests/s vs raw SQLite inserts; ledger verify time per million entries.
add_executable(ledger_bench ${CMAKE_CURRENT_LIST_DIR}/ledger_bench.cpp)
target_link_libraries(ledger_bench PRIVATE infergrid_ledger infergrid_warnings)
# chunk_claim_bench: a worker's per-chunk claim (digest + Ed25519 signature) against its decode step.
add_executable(chunk_claim_bench ${CMAKE_CURRENT_LIST_DIR}/chunk_claim_bench.cpp)
target_link_libraries(chunk_claim_bench PRIVATE infergrid_receipts infergrid_engine infergrid_model infergrid_warnings)
target_compile_definitions(chunk_claim_bench PRIVATE INFERGRID_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
