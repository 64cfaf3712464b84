// The conversions of the export, bit for bit against references written here independently: Q8_0 as quants.py
// spells it (np_roundf), F16 and BF16 by picking the nearer of the two neighbouring representable values in
// double precision (ties to even).
#include "GgufKernels.h"

#include "GgufReferences.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace deepext::gguf;
using namespace deepext::test;

namespace {

std::vector<float> randomValues(std::size_t count, std::uint32_t seed, float scale)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> values(count);
    for (float& v : values) {
        v = normal(rng);
    }
    return values;
}

TEST(GgufKernels, Q8_0_MatchesTheReferenceOnRandomRows)
{
    for (const float scale : {1e-3f, 0.02f, 1.0f, 300.0f}) {
        const std::vector<float> values = randomValues(32 * 257, 7, scale);
        std::vector<std::uint8_t> out(34 * 257);
        kernels::quantizeQ8_0(values.data(), values.size(), out.data());
        for (std::size_t b = 0; b < 257; ++b) {
            const std::vector<std::uint8_t> expected = referenceQ8Block(values.data() + 32 * b);
            ASSERT_EQ(std::vector<std::uint8_t>(out.begin() + 34 * b, out.begin() + 34 * (b + 1)), expected)
                << "scale " << scale << " block " << b;
        }
    }
}

TEST(GgufKernels, Q8_0_TiesRoundAwayFromZero_AndZeroBlocksStayZero)
{
    // amax 127 makes d = 1 and 1/d = 1, so each value is its own quant before rounding.
    std::vector<float> tie(32, 0.0f);
    const float halves[] = {127.0f, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -1.5f, 126.5f, -126.5f, 0.49999997f, -0.49999997f};
    std::copy(std::begin(halves), std::end(halves), tie.begin());
    std::vector<std::uint8_t> out(34);
    kernels::quantizeQ8_0(tie.data(), 32, out.data());
    const std::int8_t expected[] = {127, 3, -3, 1, -1, 2, -2, 127, -127, 0, 0};
    for (std::size_t k = 0; k < std::size(expected); ++k) {
        EXPECT_EQ(static_cast<std::int8_t>(out[2 + k]), expected[k]) << "value " << halves[k];
    }
    EXPECT_EQ(out[0], 0x00); // d = 1.0 as f16 is 0x3c00
    EXPECT_EQ(out[1], 0x3c);
    EXPECT_EQ(out, referenceQ8Block(tie.data()));

    const std::vector<float> zeros(64, 0.0f);
    std::vector<std::uint8_t> zeroOut(68, 0xAA);
    kernels::quantizeQ8_0(zeros.data(), 64, zeroOut.data());
    EXPECT_EQ(zeroOut, std::vector<std::uint8_t>(68, 0));
    std::vector<float> negativeZeros(32, -0.0f);
    kernels::quantizeQ8_0(negativeZeros.data(), 32, zeroOut.data());
    EXPECT_EQ(std::vector<std::uint8_t>(zeroOut.begin(), zeroOut.begin() + 34), std::vector<std::uint8_t>(34, 0));
}

TEST(GgufKernels, Q8_0_NonFiniteBlocks)
{
    std::vector<float> block(32, 1.0f);
    block[5] = std::numeric_limits<float>::quiet_NaN();
    std::vector<std::uint8_t> out(34);
    kernels::quantizeQ8_0(block.data(), 32, out.data());
    std::uint16_t scale = 0;
    std::memcpy(&scale, out.data(), 2);
    EXPECT_GT(scale & 0x7fffu, 0x7c00u) << "a NaN scale";
    EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 2, out.end()), std::vector<std::uint8_t>(32, 0));

    block.assign(32, 1.0f);
    block[0] = std::numeric_limits<float>::infinity();
    kernels::quantizeQ8_0(block.data(), 32, out.data());
    std::memcpy(&scale, out.data(), 2);
    EXPECT_EQ(scale, 0x7c00u) << "an infinite scale";
    EXPECT_EQ(std::vector<std::uint8_t>(out.begin() + 2, out.end()), std::vector<std::uint8_t>(32, 0));
}

std::vector<float> edgeValues()
{
    std::vector<float> values = {0.0f,
                                 -0.0f,
                                 1.0f,
                                 -1.0f,
                                 65504.0f,
                                 65519.996f,
                                 65520.0f,
                                 1e9f,
                                 -1e9f,
                                 std::numeric_limits<float>::infinity(),
                                 -std::numeric_limits<float>::infinity(),
                                 std::numeric_limits<float>::min(),
                                 std::numeric_limits<float>::denorm_min(),
                                 5.9604645e-8f,                     // 2^-24, the smallest f16 subnormal
                                 2.9802322e-8f,                     // 2^-25: a tie between 0 and 2^-24
                                 std::bit_cast<float>(0x3f808000u), // bf16 tie, rounds down to even
                                 std::bit_cast<float>(0x3f818000u), // bf16 tie, rounds up to even
                                 std::bit_cast<float>(0x3f801000u), // 1 + 2^-11: f16 tie, rounds to 1
                                 std::bit_cast<float>(0x3f803000u), // 1 + 3 * 2^-11: f16 tie, rounds up
                                 std::bit_cast<float>(0x7f7fffffu)};
    const std::vector<float> random = randomValues(4096, 11, 3.0f);
    values.insert(values.end(), random.begin(), random.end());
    for (const float scale : {1e-6f, 1e-4f, 1e4f}) {
        for (const float v : randomValues(512, 13, scale)) {
            values.push_back(v);
        }
    }
    return values;
}

TEST(GgufKernels, F16_RoundsToNearestEven)
{
    const std::vector<float> values = edgeValues();
    std::vector<std::uint8_t> out(values.size() * 2);
    kernels::narrow(GgmlType::F16, values.data(), values.size(), out.data());
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint16_t bits = 0;
        std::memcpy(&bits, out.data() + 2 * i, 2);
        ASSERT_EQ(bits, referenceF16(values[i])) << "value " << values[i] << " (index " << i << ")";
    }
    const float nan = std::bit_cast<float>(0x7f812345u);
    kernels::narrow(GgmlType::F16, &nan, 1, out.data());
    std::uint16_t bits = 0;
    std::memcpy(&bits, out.data(), 2);
    EXPECT_GT(bits & 0x7fffu, 0x7c00u) << "NaN stays NaN";
}

TEST(GgufKernels, BF16_RoundsToNearestEven_AndKeepsNaNQuiet)
{
    std::vector<float> values = edgeValues();
    values.push_back(std::bit_cast<float>(0x7f812345u)); // signalling NaN with a payload
    values.push_back(std::bit_cast<float>(0xffc00001u)); // negative quiet NaN
    values.push_back(std::bit_cast<float>(0x7f800001u)); // a NaN that truncation would turn into infinity
    std::vector<std::uint8_t> out(values.size() * 2);
    kernels::narrow(GgmlType::BF16, values.data(), values.size(), out.data());
    for (std::size_t i = 0; i < values.size(); ++i) {
        std::uint16_t bits = 0;
        std::memcpy(&bits, out.data() + 2 * i, 2);
        ASSERT_EQ(bits, referenceBf16(values[i])) << "value bits " << std::bit_cast<std::uint32_t>(values[i]);
    }
    std::uint16_t last = 0;
    std::memcpy(&last, out.data() + out.size() - 2, 2);
    EXPECT_EQ(last, 0x7fc0u);
}

TEST(GgufKernels, BF16ToBF16_KeepsBitsAndQuietsSignallingNaNs)
{
    std::vector<std::uint16_t> in;
    for (std::uint32_t bits = 0; bits < 0x10000u; bits += 7) {
        in.push_back(static_cast<std::uint16_t>(bits));
    }
    in.push_back(0x7f81); // signalling NaN
    in.push_back(0xff80); // -infinity
    std::vector<std::uint16_t> out(in.size());
    kernels::requantizeBf16(reinterpret_cast<const std::uint8_t*>(in.data()), in.size(),
                            reinterpret_cast<std::uint8_t*>(out.data()));
    for (std::size_t i = 0; i < in.size(); ++i) {
        // The converter's path: widen to fp32, then quants.py's BF16.
        const float wide = std::bit_cast<float>(static_cast<std::uint32_t>(in[i]) << 16);
        ASSERT_EQ(out[i], referenceBf16(wide)) << "bits " << in[i];
    }
    EXPECT_EQ(out[out.size() - 2], 0x7fc1);
    EXPECT_EQ(out.back(), 0xff80);
}

TEST(GgufKernels, Widen_IsExact)
{
    const std::uint16_t bf16[] = {0x3f80, 0xc040, 0x0001, 0x7f80};
    const std::uint16_t f16[] = {0x3c00, 0xc200, 0x0001, 0x7c00};
    float out[4];
    kernels::widen(deepext::Dtype::BF16, reinterpret_cast<const std::uint8_t*>(bf16), 4, out);
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -3.0f);
    EXPECT_EQ(std::bit_cast<std::uint32_t>(out[2]), 0x00010000u);
    EXPECT_TRUE(std::isinf(out[3]));
    kernels::widen(deepext::Dtype::F16, reinterpret_cast<const std::uint8_t*>(f16), 4, out);
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -3.0f);
    EXPECT_EQ(out[2], 5.9604645e-8f);
    EXPECT_TRUE(std::isinf(out[3]));
}

} // namespace
