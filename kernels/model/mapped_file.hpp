#pragma once
// mapped_file: a read-only memory mapping of a whole file (RAII, move-only). Model weights are used
// straight from the mapping; nothing is copied.
#include <cstddef>
#include <span>
#include <string>

#include "runtime/result.hpp"

namespace infergrid::model {

class mapped_file {
 public:
  // Maps `path` read-only. An empty file maps to an empty span.
  static result<mapped_file> open(const std::string& path);

  mapped_file() = default;
  mapped_file(mapped_file&& other) noexcept;
  mapped_file& operator=(mapped_file&& other) noexcept;
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
  ~mapped_file();

  std::span<const std::byte> bytes() const { return {data_, size_}; }
  // Drops the mapping's pages from this process's resident set (they stay in the OS page cache and
  // fault back in on the next read). Call after the weights were copied elsewhere, e.g. to a GPU.
  void release_resident_pages() const;

 private:
  mapped_file(const std::byte* data, std::size_t size) : data_(data), size_(size) {}
  void release();

  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace infergrid::model
