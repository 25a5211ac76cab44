#include "kernels/vk/device_selection.hpp"

#include <gtest/gtest.h>

namespace infergrid::vk {
namespace {

const std::vector<device_candidate> machine = {
    {"llvmpipe (LLVM 15.0.6, 256 bits)", VK_PHYSICAL_DEVICE_TYPE_CPU, true},
    {"Intel(R) UHD Graphics 630", VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU, true},
    {"NVIDIA GeForce RTX 4090", VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, true},
};

TEST(device_selection, prefers_discrete_then_integrated_then_cpu) {
  EXPECT_EQ(*choose_device(machine, ""), 2u);
  EXPECT_EQ(*choose_device({machine[0], machine[1]}, ""), 1u);
  EXPECT_EQ(*choose_device({machine[0]}, ""), 0u);
}

TEST(device_selection, skips_devices_without_compute) {
  std::vector<device_candidate> devices = machine;
  devices[2].has_compute_queue = false;
  EXPECT_EQ(*choose_device(devices, ""), 1u);
}

TEST(device_selection, request_by_index_or_name_substring) {
  EXPECT_EQ(*choose_device(machine, "0"), 0u);
  EXPECT_EQ(*choose_device(machine, "1"), 1u);
  EXPECT_EQ(*choose_device(machine, "llvmpipe"), 0u);
  EXPECT_EQ(*choose_device(machine, "geforce"), 2u);
}

TEST(device_selection, unknown_request_is_an_error_listing_devices) {
  auto chosen = choose_device(machine, "radeon");
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.err().code, error_code::not_found);
  EXPECT_NE(chosen.err().message.find("llvmpipe"), std::string::npos);
  EXPECT_FALSE(choose_device(machine, "7").ok());
  EXPECT_FALSE(choose_device({}, "").ok());
}

}  // namespace
}  // namespace infergrid::vk
