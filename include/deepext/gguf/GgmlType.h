#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace deepext::gguf {

// The ggml tensor types the export writes, numbered as on disk (ggml/include/ggml.h `ggml_type`).
enum class GgmlType : std::uint32_t
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8, // blocks of 32 values: an f16 scale then 32 int8
    BF16 = 30,
};

// The type for an on-disk number, nullopt for any type this project does not read or write.
std::optional<GgmlType> ggmlTypeFromValue(std::uint32_t value);
// "F32", "F16", "Q8_0", "BF16" as llama.cpp prints them.
std::string ggmlTypeName(GgmlType type);
// Values per block (1, or 32 for Q8_0) and bytes per block (4, 2, 34, 2).
std::uint64_t ggmlBlockSize(GgmlType type);
std::uint64_t ggmlTypeSize(GgmlType type);
// Bytes of a row of `elements` values; throws deepext::Error when `elements` is not a whole number of blocks.
std::uint64_t ggmlRowBytes(GgmlType type, std::uint64_t elements);
// Widens `elements` stored values to fp32: F32, F16 and BF16 exactly, Q8_0 as each block's f16 scale times its
// int8 quants (ggml's dequantize_row_q8_0). `elements` must be a whole number of blocks.
void ggmlToFloat(GgmlType type, const std::uint8_t* data, std::uint64_t elements, float* out);

} // namespace deepext::gguf
