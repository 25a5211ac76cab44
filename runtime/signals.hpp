#pragma once
// signals: graceful shutdown. Block SIGINT/SIGTERM before any thread starts (threads inherit the
// mask), then wait for one on the main thread and stop the node.
namespace infergrid {

void block_termination_signals();
// Returns the signal number that arrived (SIGINT or SIGTERM).
int wait_for_termination_signal();
// Whether SIGINT or SIGTERM arrived while blocked and waits to be taken (a long preparation before
// serving, such as `infergrid miner join`'s benchmark, checks it to stop early).
bool termination_signal_pending();

}  // namespace infergrid
