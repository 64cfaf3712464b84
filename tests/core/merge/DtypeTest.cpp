#include "deepext/merge/Dtype.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace deepext {
namespace {

std::uint32_t bitsOf(float value)
{
    return std::bit_cast<std::uint32_t>(value);
}

float floatOf(std::uint32_t bits)
{
    return std::bit_cast<float>(bits);
}

bool isF16Nan(std::uint16_t h)
{
    return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0;
}

bool isBf16Nan(std::uint16_t h)
{
    return (h & 0x7f80u) == 0x7f80u && (h & 0x7fu) != 0;
}

// An independent definition of the f16 value: (-1)^s * 2^(e-15) * 1.m, or 2^-14 * 0.m for subnormals.
double f16Reference(std::uint16_t h)
{
    const int exponent = (h >> 10) & 0x1f;
    const int mantissa = h & 0x3ff;
    const double sign = (h & 0x8000u) ? -1.0 : 1.0;
    if (exponent == 0x1f) {
        return mantissa ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
    }
    if (exponent == 0) {
        return sign * std::ldexp(mantissa, -24);
    }
    return sign * std::ldexp(1024 + mantissa, exponent - 25);
}

// Round-to-nearest-even to bf16 by comparing distances in double: a second, independent formulation.
std::uint16_t bf16Reference(float value)
{
    const std::uint32_t bits = bitsOf(value);
    const auto low = static_cast<std::uint16_t>(bits >> 16);
    const auto high = static_cast<std::uint16_t>(low + 1);
    const double below = static_cast<double>(bf16ToFloat(low));
    // The next bf16 above the largest finite one is 2^128 (Inf): use its magnitude for the distance.
    const double above = (high & 0x7fffu) == 0x7f80u ? std::copysign(std::ldexp(1.0, 128), below)
                                                     : static_cast<double>(bf16ToFloat(high));
    const double v = static_cast<double>(value);
    const double toLow = std::fabs(v - below);
    const double toHigh = std::fabs(above - v);
    if (toLow < toHigh) {
        return low;
    }
    if (toHigh < toLow) {
        return high;
    }
    return (low & 1u) ? high : low;
}

TEST(DtypeTest, NamesBitsAndCategories)
{
    const std::pair<const char*, unsigned> expected[] = {
        {"BOOL", 8},    {"F4", 4},      {"F6_E2M3", 6}, {"F6_E3M2", 6},     {"U8", 8},          {"I8", 8},
        {"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8}, {"I16", 16},
        {"U16", 16},    {"F16", 16},    {"BF16", 16},   {"I32", 32},        {"U32", 32},        {"F32", 32},
        {"C64", 64},    {"F64", 64},    {"I64", 64},    {"U64", 64},
    };
    int index = 0;
    for (const auto& [name, bits] : expected) {
        const auto dtype = dtypeFromName(name);
        ASSERT_TRUE(dtype.has_value()) << name;
        EXPECT_EQ(static_cast<int>(*dtype), index) << name << " must keep the reference's enum order";
        EXPECT_EQ(dtypeName(*dtype), name);
        EXPECT_EQ(dtypeBits(*dtype), bits) << name;
        ++index;
    }
    EXPECT_FALSE(dtypeFromName("bf16").has_value()); // names are case-sensitive, as serde's are
    EXPECT_FALSE(dtypeFromName("F128").has_value());
    EXPECT_FALSE(dtypeFromName("").has_value());

    EXPECT_TRUE(isMergeableFloat(Dtype::F16));
    EXPECT_TRUE(isMergeableFloat(Dtype::BF16));
    EXPECT_TRUE(isMergeableFloat(Dtype::F32));
    EXPECT_FALSE(isMergeableFloat(Dtype::F64));
    EXPECT_FALSE(isMergeableFloat(Dtype::I8));
    EXPECT_TRUE(isFloatingPoint(Dtype::F8_E4M3));
    EXPECT_TRUE(isFloatingPoint(Dtype::F64));
    EXPECT_FALSE(isFloatingPoint(Dtype::I64));
    EXPECT_FALSE(isFloatingPoint(Dtype::BOOL));
    EXPECT_EQ(torchDtypeName(Dtype::BF16), "bfloat16");
    EXPECT_EQ(torchDtypeName(Dtype::F16), "float16");
    EXPECT_EQ(torchDtypeName(Dtype::F32), "float32");
    EXPECT_EQ(torchDtypeName(Dtype::U8), "");
}

TEST(DtypeTest, Bf16AllPatternsWidenExactlyAndRoundTrip)
{
    for (std::uint32_t i = 0; i < 0x10000; ++i) {
        const auto h = static_cast<std::uint16_t>(i);
        const float f = bf16ToFloat(h);
        ASSERT_EQ(bitsOf(f), i << 16) << std::hex << i;
        const std::uint16_t back = floatToBf16(f);
        if (isBf16Nan(h)) {
            ASSERT_TRUE(std::isnan(f)) << std::hex << i;
            // Sign and payload kept, quiet bit forced: a quiet NaN comes back unchanged.
            ASSERT_EQ(back, h | 0x0040u) << std::hex << i;
        } else {
            ASSERT_EQ(back, h) << std::hex << i;
        }
    }
}

TEST(DtypeTest, F16AllPatternsWidenExactlyAndRoundTrip)
{
    for (std::uint32_t i = 0; i < 0x10000; ++i) {
        const auto h = static_cast<std::uint16_t>(i);
        const float f = f16ToFloat(h);
        const double reference = f16Reference(h);
        if (isF16Nan(h)) {
            ASSERT_TRUE(std::isnan(f)) << std::hex << i;
            ASSERT_EQ(bitsOf(f) >> 31, i >> 15) << "NaN sign kept, " << std::hex << i;
            ASSERT_EQ(floatToF16(f), h | 0x0200u) << std::hex << i;
            continue;
        }
        ASSERT_EQ(static_cast<double>(f), reference) << std::hex << i;
        ASSERT_EQ(std::signbit(f), (i & 0x8000u) != 0) << std::hex << i; // -0 stays -0
        ASSERT_EQ(floatToF16(f), h) << std::hex << i;
    }
}

TEST(DtypeTest, F16RoundsTiesToEvenBetweenEveryAdjacentPair)
{
    // Every pair of adjacent finite f16 values (subnormals included): the midpoint is exact in float.
    for (std::uint32_t i = 0; i < 0x7bff; ++i) {
        for (const std::uint32_t sign : {0u, 0x8000u}) {
            const auto low = static_cast<std::uint16_t>(sign | i);
            const auto high = static_cast<std::uint16_t>(sign | (i + 1));
            const double a = static_cast<double>(f16ToFloat(low));
            const double b = static_cast<double>(f16ToFloat(high));
            const float middle = static_cast<float>((a + b) / 2);
            ASSERT_EQ(static_cast<double>(middle), (a + b) / 2);
            const std::uint16_t even = (i & 1u) ? high : low;
            ASSERT_EQ(floatToF16(middle), even) << std::hex << low;
            const float towardsHigh = std::nextafter(middle, sign ? -INFINITY : INFINITY);
            const float towardsLow = std::nextafter(middle, 0.0f);
            ASSERT_EQ(floatToF16(towardsHigh), high) << std::hex << low;
            ASSERT_EQ(floatToF16(towardsLow), low) << std::hex << low;
        }
    }
    // Around the largest finite value 65504 (odd mantissa): the tie 65520 goes to Inf.
    EXPECT_EQ(floatToF16(65504.0f), 0x7bffu);
    EXPECT_EQ(floatToF16(std::nextafter(65520.0f, 0.0f)), 0x7bffu);
    EXPECT_EQ(floatToF16(65520.0f), 0x7c00u);
    EXPECT_EQ(floatToF16(-65520.0f), 0xfc00u);
    EXPECT_EQ(floatToF16(1e10f), 0x7c00u);
    EXPECT_EQ(floatToF16(std::numeric_limits<float>::max()), 0x7c00u);
    EXPECT_EQ(floatToF16(INFINITY), 0x7c00u);
    EXPECT_EQ(floatToF16(-INFINITY), 0xfc00u);
    // Below the smallest subnormal 2^-24: 2^-25 is a tie and goes to even zero, anything above it to 2^-24.
    EXPECT_EQ(floatToF16(std::ldexp(1.0f, -25)), 0x0000u);
    EXPECT_EQ(floatToF16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001u);
    EXPECT_EQ(floatToF16(-std::ldexp(1.0f, -25)), 0x8000u);
    EXPECT_EQ(floatToF16(std::ldexp(1.0f, -30)), 0x0000u);
    EXPECT_EQ(floatToF16(std::numeric_limits<float>::denorm_min()), 0x0000u);
    EXPECT_EQ(floatToF16(-0.0f), 0x8000u);
    // 1.5 * 2^-24 is a tie between subnormals 1 and 2: even is 2.
    EXPECT_EQ(floatToF16(std::ldexp(1.5f, -24)), 0x0002u);
    EXPECT_EQ(floatToF16(std::ldexp(2.5f, -24)), 0x0002u);
    // Rounding up out of the subnormal range reaches the smallest normal.
    EXPECT_EQ(floatToF16(std::nextafter(std::ldexp(1.0f, -14), 0.0f)), 0x0400u);
}

TEST(DtypeTest, Bf16RoundsTiesToEvenBetweenEveryAdjacentPair)
{
    for (std::uint32_t i = 0; i < 0x7f7f; ++i) {
        for (const std::uint32_t sign : {0u, 0x8000u}) {
            const auto low = static_cast<std::uint16_t>(sign | i);
            const auto high = static_cast<std::uint16_t>(sign | (i + 1));
            const double a = static_cast<double>(bf16ToFloat(low));
            const double b = static_cast<double>(bf16ToFloat(high));
            const float middle = static_cast<float>((a + b) / 2);
            ASSERT_EQ(static_cast<double>(middle), (a + b) / 2);
            ASSERT_EQ(floatToBf16(middle), (i & 1u) ? high : low) << std::hex << low;
            ASSERT_EQ(floatToBf16(std::nextafter(middle, sign ? -INFINITY : INFINITY)), high) << std::hex << low;
            ASSERT_EQ(floatToBf16(std::nextafter(middle, 0.0f)), low) << std::hex << low;
        }
    }
    // Above the largest finite bf16 (0x7f7f, odd): the tie rounds to Inf.
    EXPECT_EQ(floatToBf16(floatOf(0x7f7f7fffu)), 0x7f7fu);
    EXPECT_EQ(floatToBf16(floatOf(0x7f7f8000u)), 0x7f80u);
    EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7f80u);
    EXPECT_EQ(floatToBf16(-std::numeric_limits<float>::max()), 0xff80u);
    EXPECT_EQ(floatToBf16(-0.0f), 0x8000u);
    EXPECT_EQ(floatToBf16(INFINITY), 0x7f80u);
}

TEST(DtypeTest, NarrowingMatchesReferenceOverSampledFloats)
{
    // A stride prime to 2^32 visits every exponent and a spread of mantissas, NaNs and Infs included.
    std::uint32_t bits = 0;
    for (int n = 0; n < 4'000'000; ++n, bits += 1'048'573u) {
        const float value = floatOf(bits);
        if (std::isnan(value)) {
            ASSERT_TRUE(isBf16Nan(floatToBf16(value))) << std::hex << bits;
            ASSERT_TRUE(isF16Nan(floatToF16(value))) << std::hex << bits;
            ASSERT_EQ(floatToF16(value) >> 15, bits >> 31);
            ASSERT_EQ(floatToBf16(value) >> 15, bits >> 31);
            continue;
        }
        ASSERT_EQ(floatToBf16(value), bf16Reference(value)) << std::hex << bits;
#if defined(__GNUC__) && !defined(__clang__) && defined(__FLT16_MANT_DIG__)
        // GCC's _Float16 conversion (libgcc or F16C) rounds to nearest even: a third implementation to agree with.
        const auto converted = static_cast<_Float16>(value);
        ASSERT_EQ(floatToF16(value), std::bit_cast<std::uint16_t>(converted)) << std::hex << bits;
#endif
    }
}

TEST(DtypeTest, NanStaysQuietNanAndInfStaysInf)
{
    const float signalling = floatOf(0x7f800001u);
    EXPECT_EQ(floatToBf16(signalling), 0x7fc0u); // would truncate to Inf without the forced quiet bit
    EXPECT_EQ(floatToF16(signalling), 0x7e00u);
    EXPECT_EQ(floatToBf16(floatOf(0xffc00000u)), 0xffc0u);
    EXPECT_EQ(floatToF16(floatOf(0xffc00000u)), 0xfe00u);
    EXPECT_EQ(floatToF16(std::numeric_limits<float>::quiet_NaN()), 0x7e00u);
    EXPECT_TRUE(std::isnan(bf16ToFloat(0x7fc0u)));
    EXPECT_TRUE(std::isnan(f16ToFloat(0x7e00u)));
    EXPECT_EQ(f16ToFloat(0x7c00u), INFINITY);
    EXPECT_EQ(f16ToFloat(0xfc00u), -INFINITY);
    EXPECT_EQ(bf16ToFloat(0xff80u), -INFINITY);
    EXPECT_EQ(f16ToFloat(0x3c00u), 1.0f);
    EXPECT_EQ(f16ToFloat(0x0001u), std::ldexp(1.0f, -24));
    EXPECT_EQ(bf16ToFloat(0x3f80u), 1.0f);
    EXPECT_EQ(floatToBf16(1.0f), 0x3f80u);
    EXPECT_EQ(floatToF16(1.0f), 0x3c00u);
}

} // namespace
} // namespace deepext
