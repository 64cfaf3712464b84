#pragma once

// Independent reference conversions for the GGUF tests: Q8_0 as quants.py spells it (np_roundf), F16 and BF16 by
// picking the nearer of the two neighbouring representable values in double precision (ties to the even one). No
// compiler half type: clang 14 has no _Float16 on x86-64, and the sanitizer lane builds with it.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace deepext::test {

// The exact value of an IEEE binary16 bit pattern (finite or infinite; NaN is never asked for).
inline double referenceHalfToDouble(std::uint16_t bits)
{
    const int exponent = (bits >> 10) & 0x1f;
    const int mantissa = bits & 0x3ff;
    double magnitude = 0.0;
    if (exponent == 0x1f) {
        magnitude = HUGE_VAL;
    } else if (exponent == 0) {
        magnitude = std::ldexp(static_cast<double>(mantissa), -24);
    } else {
        magnitude = std::ldexp(static_cast<double>(1024 + mantissa), exponent - 25);
    }
    return (bits & 0x8000u) != 0 ? -magnitude : magnitude;
}

inline std::uint16_t referenceF16(float value)
{
    const std::uint16_t sign = std::signbit(value) ? 0x8000u : 0u;
    if (std::isnan(value)) {
        return static_cast<std::uint16_t>(sign | 0x7e00u);
    }
    const double magnitude = std::fabs(static_cast<double>(value));
    // Positive halves are ordered like their bit patterns: find the largest one not above the magnitude.
    std::uint16_t low = 0;
    std::uint16_t high = 0x7c00u; // infinity
    if (magnitude >= referenceHalfToDouble(high)) {
        return static_cast<std::uint16_t>(sign | high);
    }
    while (high - low > 1) {
        const auto middle = static_cast<std::uint16_t>((low + high) / 2);
        (referenceHalfToDouble(middle) <= magnitude ? low : high) = middle;
    }
    // Past the largest finite half the next step is 2^16 (IEEE rounding overflows to infinity from there).
    const double above = high == 0x7c00u ? 65536.0 : referenceHalfToDouble(high);
    const double toLow = magnitude - referenceHalfToDouble(low);
    const double toHigh = above - magnitude;
    const bool takeLow = toLow < toHigh || (toLow == toHigh && (low & 1u) == 0);
    return static_cast<std::uint16_t>(sign | (takeLow ? low : high));
}

inline std::uint16_t referenceBf16(float value)
{
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
    if (std::isnan(value)) {
        return static_cast<std::uint16_t>((bits >> 16) | 0x40);
    }
    if (std::isinf(value)) {
        return static_cast<std::uint16_t>(bits >> 16);
    }
    const std::uint32_t down = bits & 0xffff0000u;
    const std::uint32_t up = down + 0x10000u; // the next bf16 away from zero (may be infinity)
    const double low = std::bit_cast<float>(down);
    // Past the largest finite bf16 the next step is 2^128 (IEEE rounding overflows to infinity from there).
    const double high = (up & 0x7fffffffu) == 0x7f800000u ? std::copysign(std::ldexp(1.0, 128), value)
                                                          : static_cast<double>(std::bit_cast<float>(up));
    const double exact = value;
    const double toLow = std::fabs(exact - low);
    const double toHigh = std::fabs(high - exact);
    if (toLow < toHigh || (toLow == toHigh && ((down >> 16) & 1u) == 0)) {
        return static_cast<std::uint16_t>(down >> 16);
    }
    return static_cast<std::uint16_t>(up >> 16);
}

// quants.py Q8_0.quantize_blocks for one block of finite values, in plain scalar code.
inline std::vector<std::uint8_t> referenceQ8Block(const float* x)
{
    float amax = 0;
    for (int k = 0; k < 32; ++k) {
        amax = std::max(amax, std::fabs(x[k]));
    }
    const float d = amax / 127.0f;
    const float id = d == 0.0f ? 0.0f : 1.0f / d;
    std::vector<std::uint8_t> block(34);
    const std::uint16_t scale = referenceF16(d);
    std::memcpy(block.data(), &scale, 2);
    for (int k = 0; k < 32; ++k) {
        const float v = x[k] * id;
        const float a = std::fabs(v);
        const float floored = std::floor(a);
        const float b = floored + std::floor(2.0f * (a - floored));
        const float q = v < 0 ? -b : b;
        block[2 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(static_cast<std::int8_t>(q));
    }
    return block;
}

} // namespace deepext::test
