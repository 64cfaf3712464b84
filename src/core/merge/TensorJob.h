#pragma once

#include "deepext/merge/AdapterPlan.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <atomic>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace deepext {

// One output tensor that is not a plain byte copy: its factors widened to fp32 once, then any block of rows
// computed independently (computeRows is const and thread-safe) so row blocks can go to different threads.
// The tensor is seen as [rows, cols]: rows = shape[0] (1 for vectors and scalars).
class TensorJob
{
public:
    // `base` and `baseInfo` may be null (a tensor that exists only in the adapter, such as an untied lm_head).
    TensorJob(const TensorPlan& plan, Dtype outputDtype, const SafeTensorsFile* base, const TensorInfo* baseInfo,
              const SafeTensorsFile& adapter);

    // Heavy preparation that needs the whole tensor: the column norms of a Conv1D or Embedding DoRA.
    void prepare(const std::atomic_bool& cancel);

    std::int64_t rows() const { return m_rows; }
    std::uint64_t outputRowBytes() const { return m_cols * m_outputBytesPerElement; }
    // Writes rows [begin, end) in the output dtype to `out` (outputRowBytes() * (end - begin) bytes).
    void computeRows(std::int64_t begin, std::int64_t end, std::uint8_t* out) const;
    // Drops the mapped input pages of rows [begin, end) from the resident set once they are written (base rows
    // are read with pread and never mapped).
    void release(std::int64_t begin, std::int64_t end) const;

private:
    const std::uint8_t* mappedRows(std::int64_t row) const;
    // Widens one row whose stored bytes are at `source`, then applies trainable-token rows.
    void loadRow(std::int64_t row, const std::uint8_t* source, float* w) const;
    void applyDelta(std::int64_t row, float* w, float* scratch) const;

    const TensorPlan& m_plan;
    Dtype m_outputDtype;
    const SafeTensorsFile* m_base;
    const TensorInfo* m_baseInfo;
    const SafeTensorsFile& m_adapter;
    std::int64_t m_rows = 1;
    std::uint64_t m_cols = 1;
    std::uint64_t m_outputBytesPerElement = 4;

    // LoRA delta, as coefficients per output row and shared rows: delta[i, :] = s * sum_k coef[i, k] * rows[k, :].
    std::vector<float> m_coef;
    std::vector<float> m_rowsOfDelta;
    int m_rank = 0;
    float m_scale = 0;
    std::vector<float> m_magnitude;
    std::vector<float> m_columnFactors; // DoRA Conv1D/Embedding: m[j] / ||V[:, j]||
    std::vector<float> m_loraBias;
    float m_loraBiasScale = 0;
    std::unordered_map<std::int64_t, std::size_t> m_tokenRowOf; // output row -> row of the token tensor
};

} // namespace deepext
