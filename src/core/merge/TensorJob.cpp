#include "TensorJob.h"

#include "MergeKernels.h"
#include "deepext/base/Error.h"

#include <cmath>

namespace deepext {
namespace {

std::uint64_t bytesPerElement(Dtype dtype)
{
    return dtypeBits(dtype) / 8;
}

std::vector<float> readFloats(const SafeTensorsFile& file, const TensorInfo& info)
{
    std::vector<float> values(info.elementCount());
    kernels::widen(info.dtype, file.tensorData(info), values.size(), values.data());
    return values;
}

// [rows, cols] -> [cols, rows]
std::vector<float> transposed(const std::vector<float>& values, std::size_t rows, std::size_t cols)
{
    std::vector<float> out(values.size());
    for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < cols; ++j) {
            out[j * rows + i] = values[i * cols + j];
        }
    }
    return out;
}

} // namespace

TensorJob::TensorJob(const TensorPlan& plan, Dtype outputDtype, const SafeTensorsFile* base, const TensorInfo* baseInfo,
                     const SafeTensorsFile& adapter)
    : m_plan(plan)
    , m_outputDtype(outputDtype)
    , m_base(base)
    , m_baseInfo(baseInfo)
    , m_adapter(adapter)
{
    std::uint64_t count = 1;
    for (const std::int64_t dim : plan.shape) {
        count *= static_cast<std::uint64_t>(dim);
    }
    m_rows = plan.shape.size() >= 2 ? plan.shape[0] : 1; // a bias is one row
    m_cols = m_rows == 0 ? 0 : count / static_cast<std::uint64_t>(m_rows);
    m_outputBytesPerElement = bytesPerElement(outputDtype);
    if (!plan.replacement && (!base || !baseInfo)) {
        throw Error("internal error: no source for tensor " + plan.name);
    }

    if (plan.delta) {
        const LoraDelta& delta = *plan.delta;
        m_rank = delta.rank;
        // PEFT applies the Python float scaling to an fp32 tensor: one cast of the double.
        m_scale = static_cast<float>(delta.scaling);
        std::vector<float> a = readFloats(adapter, delta.a); // [r, in] or [r, V]
        std::vector<float> b = readFloats(adapter, delta.b); // [out, r] or [D, r]
        if (delta.layout == DeltaLayout::Linear) {
            m_coef = std::move(b);
            m_rowsOfDelta = std::move(a);
        } else {
            // W[i, j] gets sum_k B[j, k] * A[k, i]: coefficients from A's column i, rows from B transposed.
            m_coef = transposed(a, static_cast<std::size_t>(m_rank), static_cast<std::size_t>(m_rows));
            m_rowsOfDelta = transposed(b, m_cols, static_cast<std::size_t>(m_rank));
        }
        if (delta.magnitude) {
            m_magnitude = readFloats(adapter, *delta.magnitude);
        }
    }
    if (plan.loraBias) {
        m_loraBias = readFloats(adapter, *plan.loraBias);
        m_loraBiasScale = static_cast<float>(plan.loraBiasScaling);
    }
    for (std::size_t i = 0; i < plan.tokenIndices.size(); ++i) {
        m_tokenRowOf[plan.tokenIndices[i]] = i; // index_copy with repeated indices: the last one is kept
    }
}

void TensorJob::prepare(const std::atomic_bool& cancel)
{
    if (!m_plan.delta || m_magnitude.empty() || m_plan.delta->layout == DeltaLayout::Linear) {
        return;
    }
    // Conv1D and Embedding DoRA normalise columns of the stored weight, so every row must be seen first.
    std::vector<float> sums(m_cols, 0.0f);
    std::vector<float> w(m_cols);
    std::vector<float> scratch(m_cols);
    for (std::int64_t row = 0; row < m_rows; ++row) {
        if ((row & 63) == 0 && cancel.load(std::memory_order_relaxed)) {
            throw Error::cancelled();
        }
        loadRow(row, mappedRows(row), w.data());
        kernels::loraRow(&m_coef[static_cast<std::size_t>(row) * static_cast<std::size_t>(m_rank)],
                         m_rowsOfDelta.data(), m_rank, m_cols, m_scale, scratch.data());
        kernels::add(w.data(), scratch.data(), m_cols);
        kernels::accumulateSquares(w.data(), m_cols, sums.data());
    }
    if (!m_plan.replacement) {
        m_base->releaseRange(m_baseInfo->begin, m_baseInfo->end);
    }
    m_columnFactors.resize(m_cols);
    for (std::size_t j = 0; j < m_cols; ++j) {
        const float norm = std::sqrt(sums[j]);
        m_columnFactors[j] = m_magnitude[j] / norm;
    }
}

const std::uint8_t* TensorJob::mappedRows(std::int64_t row) const
{
    const TensorInfo& info = m_plan.replacement ? *m_plan.replacement : *m_baseInfo;
    const SafeTensorsFile& file = m_plan.replacement ? m_adapter : *m_base;
    return file.tensorData(info) + static_cast<std::uint64_t>(row) * m_cols * bytesPerElement(info.dtype);
}

void TensorJob::loadRow(std::int64_t row, const std::uint8_t* source, float* w) const
{
    const TensorInfo& info = m_plan.replacement ? *m_plan.replacement : *m_baseInfo;
    kernels::widen(info.dtype, source, m_cols, w);
    // load_state_dict casts a saved copy to the module's dtype.
    if (m_plan.replacement && info.dtype != m_plan.computeDtype) {
        kernels::roundThrough(m_plan.computeDtype, w, m_cols);
    }
    if (!m_tokenRowOf.empty()) {
        const auto it = m_tokenRowOf.find(row);
        if (it != m_tokenRowOf.end()) {
            const TensorInfo& tokens = *m_plan.tokenRows;
            kernels::widen(tokens.dtype,
                           m_adapter.tensorData(tokens) + it->second * m_cols * bytesPerElement(tokens.dtype), m_cols,
                           w);
            kernels::roundThrough(m_plan.computeDtype, w, m_cols); // delta.to(W) before index_copy
        }
    }
}

void TensorJob::applyDelta(std::int64_t row, float* w, float* scratch) const
{
    const LoraDelta& delta = *m_plan.delta;
    kernels::loraRow(&m_coef[static_cast<std::size_t>(row) * static_cast<std::size_t>(m_rank)], m_rowsOfDelta.data(),
                     m_rank, m_cols, m_scale, scratch);
    if (m_magnitude.empty()) {
        if (delta.layout == DeltaLayout::Embedding) {
            // PEFT's Embedding.merge adds delta.to(W.dtype): the delta is rounded before the add.
            kernels::roundThrough(m_plan.computeDtype, scratch, m_cols);
        }
        kernels::add(w, scratch, m_cols);
        return;
    }
    kernels::add(w, scratch, m_cols); // V = W0 + delta, in fp32
    if (delta.layout == DeltaLayout::Linear) {
        const float norm = kernels::rowNorm(w, m_cols);
        kernels::scale(w, m_magnitude[static_cast<std::size_t>(row)] / norm, m_cols);
    } else {
        kernels::scaleColumns(w, m_columnFactors.data(), m_cols);
    }
}

void TensorJob::computeRows(std::int64_t begin, std::int64_t end, std::uint8_t* out) const
{
    std::vector<float> w(m_cols);
    std::vector<float> scratch(m_cols);
    // Base rows are read with pread into a buffer this thread reuses; replacements from the adapter file are read
    // from its mapping (release() drops those pages after each block).
    thread_local std::vector<std::uint8_t> input;
    const std::uint8_t* source = nullptr;
    std::uint64_t sourceRowBytes = 0;
    if (m_plan.replacement) {
        source = mappedRows(begin);
        sourceRowBytes = m_cols * bytesPerElement(m_plan.replacement->dtype);
    } else {
        sourceRowBytes = m_cols * bytesPerElement(m_baseInfo->dtype);
        const std::uint64_t size = static_cast<std::uint64_t>(end - begin) * sourceRowBytes;
        if (input.size() < size) {
            input.resize(size);
        }
        m_base->read(m_baseInfo->begin + static_cast<std::uint64_t>(begin) * sourceRowBytes, size, input.data());
        source = input.data();
    }
    for (std::int64_t row = begin; row < end; ++row) {
        loadRow(row, source + static_cast<std::uint64_t>(row - begin) * sourceRowBytes, w.data());
        if (m_plan.delta) {
            applyDelta(row, w.data(), scratch.data());
        }
        if (!m_loraBias.empty()) {
            for (std::size_t j = 0; j < m_cols; ++j) {
                scratch[j] = m_loraBias[j] * m_loraBiasScale;
            }
            kernels::add(w.data(), scratch.data(), m_cols);
        }
        kernels::narrow(m_outputDtype, w.data(), m_cols,
                        out + static_cast<std::uint64_t>(row - begin) * outputRowBytes());
    }
}

void TensorJob::release(std::int64_t begin, std::int64_t end) const
{
    if (m_plan.replacement) {
        const TensorInfo& info = *m_plan.replacement;
        const std::uint64_t rowBytes = m_cols * bytesPerElement(info.dtype);
        m_adapter.releaseRange(info.begin + static_cast<std::uint64_t>(begin) * rowBytes,
                               info.begin + static_cast<std::uint64_t>(end) * rowBytes);
    }
}

} // namespace deepext
