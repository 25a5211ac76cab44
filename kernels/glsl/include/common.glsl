// Shared by every kernel. Specialization constant 0 is the workgroup size (lanes along x); the
// host sets it to the device's subgroup size unless a kernel asks for another value.
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 0) const uint BLOCK_SIZE = 32;
layout(local_size_x_id = 0, local_size_y = 1, local_size_z = 1) in;

const float negative_infinity = -1.0 / 0.0;
