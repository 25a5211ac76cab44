#pragma once
// Bounds the GGUF loader enforces so that a corrupt or hostile file gives an error, never a huge
// allocation, a crash or a hang. Real Llama files are far inside every one of them.
#include <cstddef>
#include <cstdint>

namespace infergrid::model {

// "GGUF" read as a little-endian u32.
inline constexpr std::uint32_t gguf_magic = 0x46554747;
inline constexpr std::uint32_t gguf_version_min = 2;  // v1 used 32-bit counts; nobody ships it anymore
inline constexpr std::uint32_t gguf_version_max = 3;
// Default tensor data alignment when `general.alignment` is absent (GGUF spec).
inline constexpr std::uint32_t gguf_default_alignment = 32;
// Largest `general.alignment` accepted (must also be a power of two).
inline constexpr std::uint32_t gguf_alignment_max = 1u << 16;
// A 405B model has ~1100 tensors; a million means the count field is garbage.
inline constexpr std::uint64_t gguf_tensor_count_max = 1u << 20;
inline constexpr std::uint64_t gguf_metadata_count_max = 1u << 20;
// Keys and tensor names are short; token strings are short; 1 MiB covers a chat template.
inline constexpr std::uint64_t gguf_string_bytes_max = 1u << 20;
// Elements of all metadata arrays of one file together (nested ones included). Each element is a
// gguf_value in memory (~100 bytes whatever its size on disk), so this bounds what the metadata can
// cost, however small the file (~400 MiB). Real vocabularies stay near 1M elements in all (Llama 3:
// 128k tokens, 280k merges, 128k token types; Qwen3: 152k, 151k, 152k).
inline constexpr std::uint64_t gguf_metadata_array_items_total_max = 1u << 22;
// Arrays of arrays are legal but nobody nests deeper than this.
inline constexpr std::size_t gguf_array_depth_max = 4;
inline constexpr std::size_t gguf_dims_max = 4;

}  // namespace infergrid::model
