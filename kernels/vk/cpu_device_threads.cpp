#include "kernels/vk/cpu_device_threads.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace infergrid::vk {
namespace {

std::string thread_name(const std::string& path) {
  std::ifstream in(path + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

bool pinning_enabled() {
  const char* value = std::getenv("INFERGRID_VK_PIN_THREADS");
  return value == nullptr || std::string_view(value) != "0";
}

}  // namespace

std::vector<int> allowed_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
  }
  return cpus;
}

bool pin_thread_to_cpu(int thread_id, int cpu) {
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(cpu, &one);
  return sched_setaffinity(thread_id, sizeof(one), &one) == 0;
}

thread_snapshot thread_snapshot::now() {
  thread_snapshot out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", error)) {
    out.ids.push_back(std::atoi(entry.path().filename().c_str()));
  }
  std::sort(out.ids.begin(), out.ids.end());
  return out;
}

std::size_t pin_new_threads(const thread_snapshot& before) {
  if (!pinning_enabled()) return 0;
  const std::vector<int> cpus = allowed_cpus();
  if (cpus.size() < 2) return 0;
  const std::string process_name = thread_name("/proc/self");
  std::size_t pinned = 0;
  for (int id : thread_snapshot::now().ids) {
    if (std::binary_search(before.ids.begin(), before.ids.end(), id)) continue;
    if (thread_name("/proc/self/task/" + std::to_string(id)) != process_name) continue;
    if (pin_thread_to_cpu(id, cpus[pinned % cpus.size()])) ++pinned;
  }
  return pinned;
}

}  // namespace infergrid::vk
