#include "RopeFactors.h"

#include <cmath>
#include <numbers>

namespace deepext::gguf {

std::vector<float> llama3RopeFactors(double theta, std::uint64_t headDim, double factor, double lowFreqFactor,
                                     double highFreqFactor, double originalContextLength)
{
    const double lowFreqWavelen = originalContextLength / lowFreqFactor;
    const double highFreqWavelen = originalContextLength / highFreqFactor;
    const auto dim = static_cast<float>(headDim);
    const auto base = static_cast<float>(theta);
    const auto twoPi = static_cast<float>(2 * std::numbers::pi);
    const auto original = static_cast<float>(originalContextLength);
    const auto low = static_cast<float>(lowFreqFactor);
    const auto span = static_cast<float>(highFreqFactor - lowFreqFactor);
    const auto scale = static_cast<float>(factor);
    std::vector<float> factors;
    for (std::uint64_t i = 0; i < headDim; i += 2) {
        // freqs = 1.0 / (base ** (arange(0, dim, 2, dtype=float32) / dim))
        const float exponent = static_cast<float>(i) / dim;
        const float frequency = 1.0f / std::pow(base, exponent);
        const float wavelen = (1.0f / frequency) * twoPi;
        if (wavelen < highFreqWavelen) {
            factors.push_back(1.0f);
        } else if (wavelen > lowFreqWavelen) {
            factors.push_back(scale);
        } else {
            const float smooth = ((1.0f / wavelen) * original - low) / span;
            factors.push_back(1.0f / ((1.0f - smooth) / scale + smooth));
        }
    }
    return factors;
}

} // namespace deepext::gguf
