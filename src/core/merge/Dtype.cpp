#include "deepext/merge/Dtype.h"

#include <array>
#include <bit>
#include <cstring>

namespace deepext {
namespace {

struct DtypeRow
{
    Dtype dtype;
    const char* name;
    unsigned bits;
};

// Indexed by the enum value; names and sizes as in safetensors' tensor.rs.
constexpr std::array<DtypeRow, 22> kDtypes = {{
    {Dtype::BOOL, "BOOL", 8},
    {Dtype::F4, "F4", 4},
    {Dtype::F6_E2M3, "F6_E2M3", 6},
    {Dtype::F6_E3M2, "F6_E3M2", 6},
    {Dtype::U8, "U8", 8},
    {Dtype::I8, "I8", 8},
    {Dtype::F8_E5M2, "F8_E5M2", 8},
    {Dtype::F8_E4M3, "F8_E4M3", 8},
    {Dtype::F8_E8M0, "F8_E8M0", 8},
    {Dtype::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8},
    {Dtype::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8},
    {Dtype::I16, "I16", 16},
    {Dtype::U16, "U16", 16},
    {Dtype::F16, "F16", 16},
    {Dtype::BF16, "BF16", 16},
    {Dtype::I32, "I32", 32},
    {Dtype::U32, "U32", 32},
    {Dtype::F32, "F32", 32},
    {Dtype::C64, "C64", 64},
    {Dtype::F64, "F64", 64},
    {Dtype::I64, "I64", 64},
    {Dtype::U64, "U64", 64},
}};

constexpr bool tableMatchesEnum()
{
    for (std::size_t i = 0; i < kDtypes.size(); ++i) {
        if (static_cast<std::size_t>(kDtypes[i].dtype) != i) {
            return false;
        }
    }
    return true;
}
static_assert(tableMatchesEnum(), "kDtypes must follow the declaration order of enum Dtype");

const DtypeRow& row(Dtype dtype)
{
    return kDtypes[static_cast<std::size_t>(dtype)];
}

} // namespace

std::optional<Dtype> dtypeFromName(std::string_view name)
{
    for (const DtypeRow& entry : kDtypes) {
        if (name == entry.name) {
            return entry.dtype;
        }
    }
    return std::nullopt;
}

std::string dtypeName(Dtype dtype)
{
    return row(dtype).name;
}

unsigned dtypeBits(Dtype dtype)
{
    return row(dtype).bits;
}

bool isMergeableFloat(Dtype dtype)
{
    return dtype == Dtype::F16 || dtype == Dtype::BF16 || dtype == Dtype::F32;
}

bool isFloatingPoint(Dtype dtype)
{
    switch (dtype) {
    case Dtype::F4:
    case Dtype::F6_E2M3:
    case Dtype::F6_E3M2:
    case Dtype::F8_E5M2:
    case Dtype::F8_E4M3:
    case Dtype::F8_E8M0:
    case Dtype::F8_E4M3FNUZ:
    case Dtype::F8_E5M2FNUZ:
    case Dtype::F16:
    case Dtype::BF16:
    case Dtype::F32:
    case Dtype::F64:
        return true;
    default:
        return false; // integers, BOOL and complex C64
    }
}

std::string torchDtypeName(Dtype dtype)
{
    switch (dtype) {
    case Dtype::BF16:
        return "bfloat16";
    case Dtype::F16:
        return "float16";
    case Dtype::F32:
        return "float32";
    default:
        return {};
    }
}

// The conversions work on bit patterns with integer arithmetic only, so they do not depend on the FPU's rounding
// mode or on flush-to-zero, and a NaN's sign and payload survive (a float register move never quiets it on x86-64).

float bf16ToFloat(std::uint16_t bits)
{
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

float f16ToFloat(std::uint16_t bits)
{
    const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1fu;
    const std::uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0x1f) {
        return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
    }
    if (exponent != 0) {
        // Rebias 15 -> 127.
        return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
    if (mantissa == 0) {
        return std::bit_cast<float>(sign);
    }
    // Subnormal: mantissa * 2^-24, normal in float. Shift the leading one up to the implicit bit.
    const int shift = std::countl_zero(mantissa) - 21; // moves the leading one to bit 10, the implicit bit
    const std::uint32_t normalized = (mantissa << shift) & 0x3ffu;
    const std::uint32_t floatExponent = static_cast<std::uint32_t>(113 - shift); // 2^(p-24), biased by 127
    return std::bit_cast<float>(sign | (floatExponent << 23) | (normalized << 13));
}

std::uint16_t floatToBf16(float value)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        // NaN: keep sign and the top payload bits, force the quiet bit so truncation cannot turn it into Inf.
        return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);
    }
    const std::uint32_t roundingBias = 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<std::uint16_t>((bits + roundingBias) >> 16);
}

std::uint16_t floatToF16(float value)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
    const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude >= 0x7f800000u) {
        if (magnitude == 0x7f800000u) {
            return static_cast<std::uint16_t>(sign | 0x7c00u);
        }
        return static_cast<std::uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
    }
    if (magnitude >= 0x477ff000u) {
        // >= 65520, the midpoint between 65504 (odd mantissa) and 2^16: rounds to Inf.
        return static_cast<std::uint16_t>(sign | 0x7c00u);
    }
    if (magnitude < 0x38800000u) {
        // Below 2^-14: an f16 subnormal (units of 2^-24) or zero. 2^-25 itself is a tie that rounds to even 0.
        if (magnitude <= 0x33000000u) {
            return sign;
        }
        const std::uint32_t exponent = magnitude >> 23; // 102..112
        const std::uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
        const std::uint32_t shift = 126 - exponent; // 14..24
        std::uint32_t half = mantissa >> shift;
        const std::uint32_t rest = mantissa & ((1u << shift) - 1);
        const std::uint32_t halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (half & 1u))) {
            ++half; // may carry into the smallest normal, which is the right answer
        }
        return static_cast<std::uint16_t>(sign | half);
    }
    const std::uint32_t rebiased = magnitude - 0x38000000u; // exponent 127 -> 15
    std::uint32_t half = rebiased >> 13;
    const std::uint32_t rest = rebiased & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) {
        ++half; // a carry into the exponent is correct rounding; Inf was handled above
    }
    return static_cast<std::uint16_t>(sign | half);
}

} // namespace deepext
