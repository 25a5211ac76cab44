// k_quant_groups.glsl: how the K-quant super-blocks sit on the device, in one place read by both
// languages — weight_blocks.glsl (GLSL: UNITS_PER_GROUP, BLOCK_DATA_UNITS) and
// kernels/engine/kernel_library.cpp (C++: which split_columns lanes read whole groups, and
// static_asserts against the quant-traits table's block sizes). A unit is 16 bytes (32 weights);
// a group is the units that share fetched bytes: a Q4_K/Q5_K pair of sub-blocks (the two nibbles
// of 32 bytes), a Q2_K/Q3_K/Q6_K half block (128 weights). A device block is the file's block padded with
// zeros to whole units (kernels/engine/weight_layout.hpp: device_block_bytes).
#ifdef __cplusplus
#pragma once
#endif

#define Q2_K_GROUP_UNITS 4u
#define Q2_K_DEVICE_BLOCK_UNITS 6u   // 84 bytes padded to 96
#define Q3_K_GROUP_UNITS 4u
#define Q3_K_DEVICE_BLOCK_UNITS 7u   // 110 bytes padded to 112
#define Q4_K_GROUP_UNITS 2u
#define Q4_K_DEVICE_BLOCK_UNITS 9u   // 144 bytes
#define Q5_K_GROUP_UNITS 2u
#define Q5_K_DEVICE_BLOCK_UNITS 11u  // 176 bytes
#define Q6_K_GROUP_UNITS 4u
#define Q6_K_DEVICE_BLOCK_UNITS 14u  // 210 bytes padded to 224
