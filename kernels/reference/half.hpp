#pragma once
// IEEE 754 binary16 <-> binary32 conversion (round to nearest even), as GGUF F16 stores it.
#include <cstdint>

namespace infergrid::reference {

float half_to_float(std::uint16_t h);
std::uint16_t float_to_half(float f);

}  // namespace infergrid::reference
