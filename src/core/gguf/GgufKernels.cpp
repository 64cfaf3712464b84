#include "GgufKernels.h"

#include "deepext/base/Error.h"

#include <cstring>

namespace deepext::gguf::kernels {
namespace {

// GCC/Clang vector extensions, with an AVX2 clone picked at load time (as in the merge kernels). The operations
// are exact fp32 ones, so every clone gives the same bits.
typedef float V8f __attribute__((vector_size(32)));
typedef std::uint32_t V8u __attribute__((vector_size(32)));
typedef std::int32_t V8i __attribute__((vector_size(32)));
typedef std::uint16_t V8h __attribute__((vector_size(16)));
typedef std::uint16_t V16h __attribute__((vector_size(32)));
typedef std::int8_t V8c __attribute__((vector_size(8)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DEEPEXT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DEEPEXT_CLONES
#endif

template <typename T>
void loadInto(T& value, const void* from)
{
    std::memcpy(&value, from, sizeof(T));
}

template <typename T>
void store(void* to, const T& value)
{
    std::memcpy(to, &value, sizeof(T));
}

DEEPEXT_CLONES void widenBf16(const std::uint8_t* data, std::size_t count, float* out)
{
    std::size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        V8h bits;
        loadInto(bits, data + 2 * j);
        const V8u wide = __builtin_convertvector(bits, V8u) << 16;
        store(out + j, wide);
    }
    for (; j < count; ++j) {
        std::uint16_t bits = 0;
        std::memcpy(&bits, data + 2 * j, 2);
        out[j] = bf16ToFloat(bits);
    }
}

DEEPEXT_CLONES void narrowBf16(const float* values, std::size_t count, std::uint8_t* out)
{
    std::size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        V8u bits;
        loadInto(bits, values + j);
        const V8u isNan = reinterpret_cast<V8u>((bits & 0x7fffffffu) > 0x7f800000u);
        const V8u quiet = (bits & 0xffff0000u) | 0x00400000u;
        const V8u source = (isNan & quiet) | (~isNan & bits);
        const V8u rounded = (source + 0x7fffu + ((source >> 16) & 1u)) >> 16;
        const V8h narrowBits = __builtin_convertvector(rounded, V8h);
        store(out + 2 * j, narrowBits);
    }
    for (; j < count; ++j) {
        const std::uint16_t bits = floatToBf16(values[j]);
        std::memcpy(out + 2 * j, &bits, 2);
    }
}

DEEPEXT_CLONES void requantizeBf16Impl(const std::uint8_t* in, std::size_t count, std::uint8_t* out)
{
    std::size_t j = 0;
    for (; j + 16 <= count; j += 16) {
        V16h bits;
        loadInto(bits, in + 2 * j);
        const V16h isNan = reinterpret_cast<V16h>((bits & 0x7fffu) > 0x7f80u);
        bits |= isNan & 0x0040u;
        store(out + 2 * j, bits);
    }
    for (; j < count; ++j) {
        std::uint16_t bits = 0;
        std::memcpy(&bits, in + 2 * j, 2);
        if ((bits & 0x7fffu) > 0x7f80u) {
            bits |= 0x0040u;
        }
        std::memcpy(out + 2 * j, &bits, 2);
    }
}

// One Q8_0 block of 32 values.
DEEPEXT_CLONES void quantizeBlocks(const float* values, std::size_t blocks, std::uint8_t* out)
{
    for (std::size_t b = 0; b < blocks; ++b) {
        const float* x = values + 32 * b;
        std::uint8_t* block = out + 34 * b;
        // max |x| over the bits: for non-NaN values the order of the magnitudes' bit patterns is their numeric
        // order, and every NaN pattern is above infinity, so a NaN anywhere makes the maximum a NaN.
        V8u top = {};
        for (int k = 0; k < 32; k += 8) {
            V8u bits;
            loadInto(bits, x + k);
            bits &= 0x7fffffffu;
            top = top > bits ? top : bits;
        }
        V8u other = __builtin_shufflevector(top, top, 4, 5, 6, 7, 0, 1, 2, 3);
        top = top > other ? top : other;
        other = __builtin_shufflevector(top, top, 2, 3, 0, 1, 6, 7, 4, 5);
        top = top > other ? top : other;
        other = __builtin_shufflevector(top, top, 1, 0, 3, 2, 5, 4, 7, 6);
        top = top > other ? top : other;
        const std::uint32_t maxBits = top[0];
        float amax = 0;
        std::memcpy(&amax, &maxBits, 4);
        const float d = amax / 127.0f;
        const float id = d == 0.0f ? 0.0f : 1.0f / d;
        const std::uint16_t scale = floatToF16(d);
        std::memcpy(block, &scale, 2);
        for (int k = 0; k < 32; k += 8) {
            V8f v;
            loadInto(v, x + k);
            v *= id;
            const V8i notNan = v == v;
            V8u magnitudeBits;
            std::memcpy(&magnitudeBits, &v, sizeof v);
            magnitudeBits &= 0x7fffffffu;
            magnitudeBits &= reinterpret_cast<V8u>(notNan); // NaN lanes become 0 before the conversion
            V8f magnitude;
            std::memcpy(&magnitude, &magnitudeBits, sizeof magnitude);
            // |v| <= 127.00002 here, so truncation toward zero is the floor and a - floor(a) is exact: numpy's
            // np_roundf (floor(a) + floor(2 * (a - floor(a)))), i.e. round half away from zero.
            const V8i whole = __builtin_convertvector(magnitude, V8i);
            const V8f fraction = magnitude - __builtin_convertvector(whole, V8f);
            const V8i rounded = whole - (fraction >= 0.5f); // a true comparison is -1
            const V8i negative = v < 0.0f;
            const V8i q = (negative & -rounded) | (~negative & rounded);
            store(block + 2 + k, __builtin_convertvector(q, V8c));
        }
    }
}

} // namespace

void widen(Dtype dtype, const std::uint8_t* data, std::size_t count, float* out)
{
    switch (dtype) {
    case Dtype::F32:
        std::memcpy(out, data, count * 4);
        return;
    case Dtype::BF16:
        widenBf16(data, count, out);
        return;
    case Dtype::F16:
        for (std::size_t j = 0; j < count; ++j) {
            std::uint16_t bits = 0;
            std::memcpy(&bits, data + 2 * j, 2);
            out[j] = f16ToFloat(bits);
        }
        return;
    default:
        throw Error("internal error: cannot widen " + dtypeName(dtype));
    }
}

void narrow(GgmlType type, const float* values, std::size_t count, std::uint8_t* out)
{
    switch (type) {
    case GgmlType::F32:
        std::memcpy(out, values, count * 4);
        return;
    case GgmlType::BF16:
        narrowBf16(values, count, out);
        return;
    case GgmlType::F16:
        for (std::size_t j = 0; j < count; ++j) {
            const std::uint16_t bits = floatToF16(values[j]);
            std::memcpy(out + 2 * j, &bits, 2);
        }
        return;
    case GgmlType::Q8_0:
        quantizeQ8_0(values, count, out);
        return;
    }
}

void quantizeQ8_0(const float* values, std::size_t count, std::uint8_t* out)
{
    if (count % 32 != 0) {
        throw Error("internal error: Q8_0 of " + std::to_string(count) + " values");
    }
    quantizeBlocks(values, count / 32, out);
}

void requantizeBf16(const std::uint8_t* in, std::size_t count, std::uint8_t* out)
{
    requantizeBf16Impl(in, count, out);
}

void addOne(float* values, std::size_t count)
{
    for (std::size_t j = 0; j < count; ++j) {
        values[j] = values[j] + 1.0f;
    }
}

} // namespace deepext::gguf::kernels
