#pragma once

#include "deepext/merge/Dtype.h"

#include <cstddef>
#include <cstdint>

namespace deepext::kernels {

// The arithmetic of the merge, row by row in fp32 (architecture.md "Merge engine rules"). Every function keeps
// PEFT's CPU order of operations: products rounded to fp32, summed in increasing k, no fused multiply-add (the
// library is built with -ffp-contract=off), one round-to-nearest-even at each point PyTorch rounds.

// Exact widening of `count` elements of `dtype` (BF16, F16, F32) at `data` to fp32.
void widen(Dtype dtype, const std::uint8_t* data, std::size_t count, float* out);
// Rounds each value to `dtype` and back (the cast PyTorch does when it stores into a tensor of that dtype).
void roundThrough(Dtype dtype, float* values, std::size_t count);
// Rounds to `dtype` (round-to-nearest-even; NaN becomes the canonical quiet NaN as in c10) and stores.
void narrow(Dtype dtype, const float* values, std::size_t count, std::uint8_t* out);

// delta[j] = (sum over k in increasing order of coef[k] * rows[k * cols + j]) * scale, for j < cols.
void loraRow(const float* coef, const float* rows, int rank, std::size_t cols, float scale, float* delta);
// w[j] = w[j] + d[j]
void add(float* w, const float* d, std::size_t count);
// w[j] = w[j] * factor
void scale(float* w, float factor, std::size_t count);
// w[j] = w[j] * factors[j]
void scaleColumns(float* w, const float* factors, std::size_t count);
// ||values||_2 in fp32 the way torch.linalg.norm reduces a contiguous last dimension on the CPU (AVX2
// Vectorized<float>): 8 strided partial sums of squares, added lane 0..7, then the tail, then sqrt. This order
// reproduces PEFT's DoRA row norms bit for bit.
float rowNorm(const float* values, std::size_t count);
// sums[j] = sums[j] + values[j]^2 in fp32: a reduction over rows (a strided dimension) accumulates row by row.
void accumulateSquares(const float* values, std::size_t count, float* sums);

} // namespace deepext::kernels
