#pragma once

#include "deepext/gguf/GgmlType.h"
#include "deepext/merge/Dtype.h"

#include <cstddef>
#include <cstdint>

namespace deepext::gguf::kernels {

// The arithmetic of llama.cpp's converter (gguf-py/gguf/quants.py), row by row. Every function works on bit
// patterns or exact fp32 operations, so the results do not depend on the compiler's vectorisation (the library is
// built with -ffp-contract=off).

// Exact widening of `count` values of `dtype` (F32, F16, BF16) at `data` to fp32.
void widen(Dtype dtype, const std::uint8_t* data, std::size_t count, float* out);
// Stores fp32 values as `type`: F32 copies; F16 rounds to nearest even (numpy's astype(float16)); BF16 rounds to
// nearest even with NaN kept quiet (quants.py BF16, ggml_compute_fp32_to_bf16); Q8_0 as quantizeQ8_0.
void narrow(GgmlType type, const float* values, std::size_t count, std::uint8_t* out);
// Q8_0, as quants.py Q8_0 and ggml's quantize_row_q8_0_ref: per 32 values d = max|x| / 127 in fp32, quant =
// round half away from zero of x * (1 / d) (0 when d is 0), d stored as f16. A block holding a NaN gets a NaN
// scale; a quant whose product is NaN is 0 (what numpy's float-to-int8 cast gives on x86). `count` is a multiple
// of 32.
void quantizeQ8_0(const float* values, std::size_t count, std::uint8_t* out);
// A BF16 row stored again as BF16 through fp32, as the converter does: the bits are kept, except that a signalling
// NaN becomes quiet (its 0x0040 bit set). `in` and `out` may be the same.
void requantizeBf16(const std::uint8_t* in, std::size_t count, std::uint8_t* out);
// values[i] + 1 in fp32 (Gemma's norm weights, which Hugging Face applies as 1 + w).
void addOne(float* values, std::size_t count);

} // namespace deepext::gguf::kernels
