#include "deepext/gguf/GgmlType.h"

#include "deepext/base/Error.h"
#include "deepext/merge/Dtype.h"

#include <cstring>

namespace deepext::gguf {

std::optional<GgmlType> ggmlTypeFromValue(std::uint32_t value)
{
    switch (value) {
    case 0:
        return GgmlType::F32;
    case 1:
        return GgmlType::F16;
    case 8:
        return GgmlType::Q8_0;
    case 30:
        return GgmlType::BF16;
    default:
        return std::nullopt;
    }
}

std::string ggmlTypeName(GgmlType type)
{
    switch (type) {
    case GgmlType::F32:
        return "F32";
    case GgmlType::F16:
        return "F16";
    case GgmlType::Q8_0:
        return "Q8_0";
    case GgmlType::BF16:
        return "BF16";
    }
    return "type " + std::to_string(static_cast<std::uint32_t>(type));
}

std::uint64_t ggmlBlockSize(GgmlType type)
{
    return type == GgmlType::Q8_0 ? 32 : 1;
}

std::uint64_t ggmlTypeSize(GgmlType type)
{
    switch (type) {
    case GgmlType::F32:
        return 4;
    case GgmlType::Q8_0:
        return 34;
    case GgmlType::F16:
    case GgmlType::BF16:
        return 2;
    }
    return 0;
}

std::uint64_t ggmlRowBytes(GgmlType type, std::uint64_t elements)
{
    const std::uint64_t block = ggmlBlockSize(type);
    if (elements % block != 0) {
        throw Error("a row of " + std::to_string(elements) + " values cannot be stored as " + ggmlTypeName(type) +
                    ", whose blocks hold " + std::to_string(block) + " values");
    }
    return elements / block * ggmlTypeSize(type);
}

void ggmlToFloat(GgmlType type, const std::uint8_t* data, std::uint64_t elements, float* out)
{
    const auto u16At = [data](std::uint64_t index) {
        std::uint16_t bits = 0;
        std::memcpy(&bits, data + 2 * index, 2);
        return bits;
    };
    switch (type) {
    case GgmlType::F32:
        std::memcpy(out, data, elements * 4);
        return;
    case GgmlType::F16:
        for (std::uint64_t i = 0; i < elements; ++i) {
            out[i] = f16ToFloat(u16At(i));
        }
        return;
    case GgmlType::BF16:
        for (std::uint64_t i = 0; i < elements; ++i) {
            out[i] = bf16ToFloat(u16At(i));
        }
        return;
    case GgmlType::Q8_0:
        ggmlRowBytes(type, elements); // throws on a partial block
        for (std::uint64_t block = 0; block < elements / 32; ++block) {
            const std::uint8_t* bytes = data + block * 34;
            std::uint16_t scaleBits = 0;
            std::memcpy(&scaleBits, bytes, 2);
            const float scale = f16ToFloat(scaleBits);
            for (int k = 0; k < 32; ++k) {
                out[block * 32 + static_cast<std::uint64_t>(k)] =
                    static_cast<float>(static_cast<std::int8_t>(bytes[2 + k])) * scale;
            }
        }
        return;
    }
    throw Error("cannot read values of ggml type " + ggmlTypeName(type));
}

} // namespace deepext::gguf
