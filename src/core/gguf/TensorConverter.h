#pragma once

#include "ExportPlanner.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <cstdint>

namespace deepext::gguf {

// Produces the GGUF bytes of one ExportTensor, any block of rows independently (convertRows is const and
// thread-safe), so blocks can go to different threads. Source rows are read with pread into a per-thread scratch
// buffer (or straight into the output when nothing changes), permuted, widened to fp32 where needed, adjusted
// (Gemma's + 1) and stored as the output type with the converter's rounding.
class TensorConverter
{
public:
    // `source` is the tensor's shard (nullptr for a generated tensor).
    TensorConverter(const ExportTensor& tensor, const SafeTensorsFile* source);

    std::uint64_t rows() const { return m_tensor.rows; }
    std::uint64_t outputRowBytes() const { return m_outputRowBytes; }
    // Rows per block of about `targetBytes` output bytes; a whole number of heads for a permuted tensor, so each
    // block reads one contiguous range of source rows.
    std::uint64_t rowsPerBlock(std::uint64_t targetBytes) const;
    // Writes output rows [begin, end) to `out` (outputRowBytes() * (end - begin) bytes).
    void convertRows(std::uint64_t begin, std::uint64_t end, std::uint8_t* out) const;

private:
    std::uint64_t sourceRow(std::uint64_t row) const;
    void readSourceRows(std::uint64_t begin, std::uint64_t end, std::uint8_t* out) const;

    const ExportTensor& m_tensor;
    const SafeTensorsFile* m_source;
    std::uint64_t m_sourceRowBytes = 0;
    std::uint64_t m_outputRowBytes = 0;
    bool m_copiesBytes = false;     // the output row is the source row, byte for byte
    bool m_requantizesBf16 = false; // BF16 to BF16: the bytes, with signalling NaNs made quiet
};

} // namespace deepext::gguf
