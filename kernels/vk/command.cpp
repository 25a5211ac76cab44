#include "kernels/vk/command.hpp"

#include <utility>

#include "kernels/vk/pipeline.hpp"
#include "kernels/vk/vk_error.hpp"

namespace infergrid::vk {

result<command_buffer> command_buffer::create(const device& dev) {
  command_buffer out;
  out.device_ = dev.handle();
  out.queue_ = dev.queue();
  out.pool_ = dev.command_pool();
  VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  allocate.commandPool = out.pool_;
  allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  allocate.commandBufferCount = 1;
  IG_VK_TRY(vkAllocateCommandBuffers(out.device_, &allocate, &out.commands_), "vkAllocateCommandBuffers");
  VkFenceCreateInfo fence_info{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  IG_VK_TRY(vkCreateFence(out.device_, &fence_info, nullptr, &out.fence_), "vkCreateFence");
  return out;
}

command_buffer::command_buffer(command_buffer&& other) noexcept { *this = std::move(other); }

command_buffer& command_buffer::operator=(command_buffer&& other) noexcept {
  if (this != &other) {
    release();
    device_ = std::exchange(other.device_, VK_NULL_HANDLE);
    queue_ = other.queue_;
    pool_ = other.pool_;
    commands_ = std::exchange(other.commands_, VK_NULL_HANDLE);
    fence_ = std::exchange(other.fence_, VK_NULL_HANDLE);
    pending_ = std::exchange(other.pending_, false);
  }
  return *this;
}

void command_buffer::release() {
  if (device_ == VK_NULL_HANDLE) return;
  if (pending_) (void)wait();
  if (fence_ != VK_NULL_HANDLE) vkDestroyFence(device_, fence_, nullptr);
  if (commands_ != VK_NULL_HANDLE) vkFreeCommandBuffers(device_, pool_, 1, &commands_);
  fence_ = VK_NULL_HANDLE;
  commands_ = VK_NULL_HANDLE;
}

command_buffer::~command_buffer() { release(); }

status command_buffer::begin() {
  IG_VK_TRY(vkResetCommandBuffer(commands_, 0), "vkResetCommandBuffer");
  VkCommandBufferBeginInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  IG_VK_TRY(vkBeginCommandBuffer(commands_, &info), "vkBeginCommandBuffer");
  return {};
}

status command_buffer::end() {
  // The recording's writes, visible to the host once its fence is signalled (the logits, a download's
  // staging copy) and to what later submissions on the queue dispatch or copy. A fence wait alone
  // makes device writes available, not visible: the memory model asks for this barrier, and a GPU's
  // caches may otherwise serve stale data (lavapipe runs everything in one coherent memory).
  VkMemoryBarrier memory{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  memory.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  memory.dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                         VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  vkCmdPipelineBarrier(commands_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       0, 1, &memory, 0, nullptr, 0, nullptr);
  return check(vkEndCommandBuffer(commands_), "vkEndCommandBuffer");
}

void command_buffer::dispatch(const compute_pipeline& pipeline, VkDescriptorSet set,
                              std::span<const std::byte> push_constants, std::uint32_t groups_x,
                              std::uint32_t groups_y, std::uint32_t groups_z) {
  vkCmdBindPipeline(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle());
  vkCmdBindDescriptorSets(commands_, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout(), 0, 1, &set, 0, nullptr);
  if (!push_constants.empty()) {
    vkCmdPushConstants(commands_, pipeline.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0,
                       static_cast<std::uint32_t>(push_constants.size()), push_constants.data());
  }
  vkCmdDispatch(commands_, groups_x, groups_y, groups_z);
}

void command_buffer::barrier() {
  VkMemoryBarrier memory{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  memory.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  memory.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT;
  vkCmdPipelineBarrier(commands_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                       VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &memory, 0,
                       nullptr, 0, nullptr);
}

status command_buffer::submit() {
  IG_VK_TRY(vkResetFences(device_, 1, &fence_), "vkResetFences");
  VkSubmitInfo info{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  info.commandBufferCount = 1;
  info.pCommandBuffers = &commands_;
  IG_VK_TRY(vkQueueSubmit(queue_, 1, &info, fence_), "vkQueueSubmit");
  pending_ = true;
  return {};
}

status command_buffer::wait() {
  if (!pending_) return {};
  const std::uint64_t limit_ns = submit_wait_limit_ms * 1'000'000;
  const VkResult waited = vkWaitForFences(device_, 1, &fence_, VK_TRUE, limit_ns);
  if (waited == VK_TIMEOUT) return make_error(error_code::timeout, "Vulkan submission did not finish in time");
  pending_ = false;
  return check(waited, "vkWaitForFences");
}

status command_buffer::submit_and_wait() {
  IG_TRY(submit());
  return wait();
}

}  // namespace infergrid::vk
