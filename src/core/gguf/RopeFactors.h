#pragma once

#include <cstdint>
#include <vector>

namespace deepext::gguf {

// The rope_freqs.weight tensor llama.cpp's converter generates for rope_scaling type "llama3"
// (convert_hf_to_gguf.py `LlamaModel.generate_extra_tensors`): one factor per rotated pair, head_dim / 2 values.
// For inv_freq_i = theta^(-2i/d) and wavelen = 2 pi / inv_freq: 1 when wavelen < original / high_freq_factor,
// `factor` when wavelen > original / low_freq_factor, otherwise 1 / ((1 - s) / factor + s) with
// s = (original / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor). The arithmetic is fp32 in
// the order PyTorch evaluates the converter's expressions (a Python scalar divided by a tensor is the tensor's
// reciprocal times the scalar).
std::vector<float> llama3RopeFactors(double theta, std::uint64_t headDim, double factor, double lowFreqFactor,
                                     double highFreqFactor, double originalContextLength);

} // namespace deepext::gguf
