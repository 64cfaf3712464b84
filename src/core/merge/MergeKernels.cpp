#include "MergeKernels.h"

#include <cmath>
#include <cstring>

namespace deepext::kernels {
namespace {

// GCC/Clang vector extensions: explicit 8-lane code that does not depend on the auto-vectoriser's cost model at
// -O2. Functions marked DEEPEXT_CLONES get an AVX2 version picked at load time (no FMA is ever enabled).
typedef float V8f __attribute__((vector_size(32)));
typedef std::uint32_t V8u __attribute__((vector_size(32)));
typedef std::int32_t V8i __attribute__((vector_size(32)));
typedef std::uint16_t V8h __attribute__((vector_size(16)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DEEPEXT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DEEPEXT_CLONES
#endif

template <typename T>
T load(const void* from)
{
    T value;
    std::memcpy(&value, from, sizeof(T));
    return value;
}

// Out-parameter form for vectors: returning a 32-byte vector by value would change the ABI without AVX.
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

// c10::BFloat16's round_to_nearest_even, including its canonical NaN.
inline std::uint16_t toBf16(float value)
{
    const auto bits = load<std::uint32_t>(&value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return 0x7fc0u;
    }
    return static_cast<std::uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

inline float fromBf16(std::uint16_t bits)
{
    const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
    return load<float>(&wide);
}

DEEPEXT_CLONES void widenBf16(const std::uint8_t* data, std::size_t count, float* out)
{
    std::size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        V8h narrowBits;
        loadInto(narrowBits, data + 2 * j);
        const V8u wide = __builtin_convertvector(narrowBits, V8u) << 16;
        store(out + j, wide);
    }
    for (; j < count; ++j) {
        out[j] = fromBf16(load<std::uint16_t>(data + 2 * j));
    }
}

DEEPEXT_CLONES void narrowBf16(const float* values, std::size_t count, std::uint8_t* out)
{
    std::size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        V8u bits;
        loadInto(bits, values + j);
        const V8u isNan = reinterpret_cast<V8u>((bits & 0x7fffffffu) > 0x7f800000u);
        V8u rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
        rounded = (rounded & ~isNan) | (isNan & 0x7fc0u);
        store(out + 2 * j, __builtin_convertvector(rounded, V8h));
    }
    for (; j < count; ++j) {
        store(out + 2 * j, toBf16(values[j]));
    }
}

} // namespace

void widen(Dtype dtype, const std::uint8_t* data, std::size_t count, float* out)
{
    switch (dtype) {
    case Dtype::BF16:
        widenBf16(data, count, out);
        return;
    case Dtype::F16:
        for (std::size_t j = 0; j < count; ++j) {
            out[j] = f16ToFloat(load<std::uint16_t>(data + 2 * j));
        }
        return;
    default:
        std::memcpy(out, data, count * sizeof(float));
        return;
    }
}

void roundThrough(Dtype dtype, float* values, std::size_t count)
{
    switch (dtype) {
    case Dtype::BF16:
        for (std::size_t j = 0; j < count; ++j) {
            values[j] = fromBf16(toBf16(values[j]));
        }
        return;
    case Dtype::F16:
        for (std::size_t j = 0; j < count; ++j) {
            values[j] = f16ToFloat(floatToF16(values[j]));
        }
        return;
    default:
        return;
    }
}

void narrow(Dtype dtype, const float* values, std::size_t count, std::uint8_t* out)
{
    switch (dtype) {
    case Dtype::BF16:
        narrowBf16(values, count, out);
        return;
    case Dtype::F16:
        for (std::size_t j = 0; j < count; ++j) {
            store(out + 2 * j, floatToF16(values[j]));
        }
        return;
    default:
        std::memcpy(out, values, count * sizeof(float));
        return;
    }
}

DEEPEXT_CLONES void loraRow(const float* coef, const float* rows, int rank, std::size_t cols, float scale, float* delta)
{
    std::size_t j = 0;
    // Two vectors per step so each broadcast coefficient serves 16 columns.
    for (; j + 16 <= cols; j += 16) {
        V8f acc0;
        V8f acc1;
        loadInto(acc0, rows + j);
        loadInto(acc1, rows + j + 8);
        acc0 = acc0 * coef[0];
        acc1 = acc1 * coef[0];
        for (int k = 1; k < rank; ++k) {
            const float* row = rows + static_cast<std::size_t>(k) * cols + j;
            V8f r0;
            V8f r1;
            loadInto(r0, row);
            loadInto(r1, row + 8);
            acc0 = acc0 + r0 * coef[k];
            acc1 = acc1 + r1 * coef[k];
        }
        store(delta + j, acc0 * scale);
        store(delta + j + 8, acc1 * scale);
    }
    for (; j < cols; ++j) {
        float acc = rows[j] * coef[0];
        for (int k = 1; k < rank; ++k) {
            acc = acc + rows[static_cast<std::size_t>(k) * cols + j] * coef[k];
        }
        delta[j] = acc * scale;
    }
}

DEEPEXT_CLONES void add(float* w, const float* d, std::size_t count)
{
    for (std::size_t j = 0; j < count; ++j) {
        w[j] = w[j] + d[j];
    }
}

void scale(float* w, float factor, std::size_t count)
{
    for (std::size_t j = 0; j < count; ++j) {
        w[j] = w[j] * factor;
    }
}

void scaleColumns(float* w, const float* factors, std::size_t count)
{
    for (std::size_t j = 0; j < count; ++j) {
        w[j] = w[j] * factors[j];
    }
}

float rowNorm(const float* values, std::size_t count)
{
    constexpr std::size_t lanes = 8;
    float partial[lanes] = {};
    std::size_t d = 0;
    for (; d + lanes <= count; d += lanes) {
        for (std::size_t lane = 0; lane < lanes; ++lane) {
            partial[lane] = partial[lane] + values[d + lane] * values[d + lane];
        }
    }
    float sum = partial[0];
    for (std::size_t lane = 1; lane < lanes; ++lane) {
        sum = sum + partial[lane];
    }
    for (; d < count; ++d) {
        sum = sum + values[d] * values[d];
    }
    return std::sqrt(sum);
}

void accumulateSquares(const float* values, std::size_t count, float* sums)
{
    for (std::size_t j = 0; j < count; ++j) {
        sums[j] = sums[j] + values[j] * values[j];
    }
}

} // namespace deepext::kernels
