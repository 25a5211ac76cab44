#pragma once
// A CPU Vulkan implementation (lavapipe) runs each dispatch on a pool of worker threads, one per
// CPU, that it creates while the instance and device are created. Left to the scheduler, its
// workers often share one CPU for a whole process (measured on a 2-vCPU VM: half of the processes
// ran every matmul at one thread's speed, 10 instead of 19 GB/s). Pinning them one per CPU keeps
// them apart: thread_snapshot before the Vulkan calls, pin_new_threads after.
// INFERGRID_VK_PIN_THREADS=0 turns it off.
#include <cstddef>
#include <string>
#include <vector>

namespace infergrid::vk {

// The CPUs this process may run on (its affinity mask), in order; empty when it cannot be read.
std::vector<int> allowed_cpus();

// Pins one thread (thread_id as gettid gives it; 0 = the calling thread) to one CPU.
bool pin_thread_to_cpu(int thread_id, int cpu);

// The thread ids of this process at one moment.
struct thread_snapshot {
  std::vector<int> ids;
  static thread_snapshot now();
};

// Pins every thread started since `before` that still carries the process's own name (the CPU
// driver's workers; named threads such as its rasterizer or disk cache are left alone) to one CPU
// each, round robin over the CPUs this process may use. Returns how many were pinned; 0 when the
// switch is off or on any failure (pinning is an optimisation, never an error).
std::size_t pin_new_threads(const thread_snapshot& before);

}  // namespace infergrid::vk
