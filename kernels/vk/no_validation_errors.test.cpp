// Linked into the Vulkan test binaries: run under INFERGRID_VK_VALIDATION=1 (the
// vulkan_validation.* ctest entries), a binary fails if the validation layer reported any error
// while its tests ran — they print to stderr beside the test that caused them.
#include <gtest/gtest.h>

#include "kernels/vk/validation_messages.hpp"

namespace {

class no_validation_errors : public ::testing::Environment {
 public:
  void TearDown() override {
    EXPECT_EQ(infergrid::vk::validation_errors(), 0u)
        << "the Vulkan validation layer reported errors (lines starting 'vulkan validation error:' above)";
  }
};

[[maybe_unused]] const ::testing::Environment* const registered =
    ::testing::AddGlobalTestEnvironment(new no_validation_errors);

}  // namespace
