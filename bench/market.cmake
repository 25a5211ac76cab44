# Market simulation (issue 18): the economics under the real ledger, routing and reputation code.
add_library(infergrid_market_sim market_sim/miner_strategies.cpp market_sim/market_world.cpp market_sim/market_report.cpp)
target_link_libraries(infergrid_market_sim PUBLIC infergrid_ledger infergrid_actor_matchmaker infergrid_market fmt::fmt
  PRIVATE infergrid_warnings)
add_executable(market_sim market_sim/market_sim.cpp)
target_link_libraries(market_sim PRIVATE infergrid_market_sim CLI11::CLI11 infergrid_warnings)
infergrid_add_test(market_sim_test SOURCES market_sim/market_sim.test.cpp LIBS infergrid_market_sim)
