// pin_new_threads: threads started after a snapshot that keep the process's name are pinned one
// per CPU, round robin; named threads and threads from before are left alone; the switch turns it off.
#include "kernels/vk/cpu_device_threads.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "kernels/vk/device.hpp"

namespace infergrid::vk {
namespace {

int allowed_cpu_count() { return static_cast<int>(allowed_cpus().size()); }

// A thread that reports its id, optionally names itself, and waits until released.
struct parked_thread {
  std::atomic<int> id{0};
  std::atomic<bool> release{false};
  std::thread thread;
  explicit parked_thread(const char* name) {
    thread = std::thread([this, name] {
      if (name != nullptr) pthread_setname_np(pthread_self(), name);
      id = static_cast<int>(gettid());
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    while (id == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~parked_thread() {
    release = true;
    thread.join();
  }
  // The one CPU it may run on, or -1 when it may run on several.
  int single_cpu() const {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(id, sizeof(set), &set) != 0 || CPU_COUNT(&set) != 1) return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) return cpu;
    }
    return -1;
  }
};

TEST(cpu_device_threads, pins_new_unnamed_threads_one_per_cpu) {
  if (allowed_cpu_count() < 2) GTEST_SKIP() << "needs at least 2 CPUs";
  unsetenv("INFERGRID_VK_PIN_THREADS");
  parked_thread older(nullptr);
  const thread_snapshot before = thread_snapshot::now();
  parked_thread first(nullptr), second(nullptr), named("rasterizer");
  EXPECT_EQ(pin_new_threads(before), 2u);
  EXPECT_GE(first.single_cpu(), 0);
  EXPECT_GE(second.single_cpu(), 0);
  EXPECT_NE(first.single_cpu(), second.single_cpu());
  EXPECT_EQ(named.single_cpu(), -1) << "a named thread is not the driver's worker";
  EXPECT_EQ(older.single_cpu(), -1) << "a thread from before the snapshot is left alone";
}

TEST(cpu_device_threads, the_switch_turns_it_off) {
  setenv("INFERGRID_VK_PIN_THREADS", "0", 1);
  const thread_snapshot before = thread_snapshot::now();
  parked_thread fresh(nullptr);
  EXPECT_EQ(pin_new_threads(before), 0u);
  EXPECT_EQ(fresh.single_cpu(), -1);
  unsetenv("INFERGRID_VK_PIN_THREADS");
}

// lavapipe starts its compute workers (one per CPU) while the device is created: they are pinned.
TEST(cpu_device_threads, a_cpu_device_pins_its_workers) {
  if (allowed_cpu_count() < 2) GTEST_SKIP() << "needs at least 2 CPUs";
  auto dev = device::create();
  ASSERT_TRUE(dev.ok()) << dev.err().message;
  if (!dev->info().is_cpu()) {
    EXPECT_EQ(dev->pinned_threads(), 0u) << "GPU drivers' threads are left alone";
    return;
  }
  EXPECT_GE(dev->pinned_threads(), static_cast<std::size_t>(allowed_cpu_count()));
}

}  // namespace
}  // namespace infergrid::vk
