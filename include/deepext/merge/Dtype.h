#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deepext {

// safetensors dtypes, declared in the reference's "increasing alignment order" (the writer sorts by it).
enum class Dtype
{
    BOOL,
    F4,
    F6_E2M3,
    F6_E3M2,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    F8_E8M0,
    F8_E4M3FNUZ,
    F8_E5M2FNUZ,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    C64,
    F64,
    I64,
    U64,
};

std::optional<Dtype> dtypeFromName(std::string_view name);
std::string dtypeName(Dtype dtype);
// Bits per element (4 for F4, 6 for the F6 types).
unsigned dtypeBits(Dtype dtype);
// F16, BF16 and F32: the dtypes the merge computes with.
bool isMergeableFloat(Dtype dtype);
bool isFloatingPoint(Dtype dtype);
// The name config.json uses ("bfloat16", "float16", "float32"), empty for others.
std::string torchDtypeName(Dtype dtype);

// Exact widening and round-to-nearest-even narrowing (NaN stays NaN, Inf stays Inf), as PyTorch's .to() does.
float bf16ToFloat(std::uint16_t bits);
float f16ToFloat(std::uint16_t bits);
std::uint16_t floatToBf16(float value);
std::uint16_t floatToF16(float value);

} // namespace deepext
