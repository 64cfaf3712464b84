#include "TensorConverter.h"

#include "GgufKernels.h"
#include "deepext/base/Error.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace deepext::gguf {
namespace {

// Per worker thread, reused across blocks: a block's source rows and one row widened to fp32.
thread_local std::vector<std::uint8_t> t_sourceRows;
thread_local std::vector<float> t_row;

} // namespace

TensorConverter::TensorConverter(const ExportTensor& tensor, const SafeTensorsFile* source)
    : m_tensor(tensor)
    , m_source(source)
{
    if (!tensor.generated && !source) {
        throw Error("internal error: no source for tensor " + tensor.name);
    }
    m_sourceRowBytes = tensor.cols * dtypeBits(tensor.sourceDtype) / 8;
    m_outputRowBytes = ggmlRowBytes(tensor.type, tensor.cols);
    if (!tensor.addOne) {
        m_copiesBytes = (tensor.sourceDtype == Dtype::F32 && tensor.type == GgmlType::F32) ||
                        (tensor.sourceDtype == Dtype::F16 && tensor.type == GgmlType::F16);
        m_requantizesBf16 = tensor.sourceDtype == Dtype::BF16 && tensor.type == GgmlType::BF16;
    }
    if (tensor.permuteHeads > 0 && (tensor.rows % (2 * tensor.permuteHeads) != 0)) {
        throw Error("internal error: " + tensor.name + " has " + std::to_string(tensor.rows) +
                    " rows, not a multiple of twice its " + std::to_string(tensor.permuteHeads) + " heads");
    }
}

std::uint64_t TensorConverter::rowsPerBlock(std::uint64_t targetBytes) const
{
    std::uint64_t rows = std::max<std::uint64_t>(1, targetBytes / std::max<std::uint64_t>(m_outputRowBytes, 1));
    if (m_tensor.permuteHeads > 0) {
        const std::uint64_t perHead = m_tensor.rows / m_tensor.permuteHeads;
        rows = std::max(perHead, rows / perHead * perHead);
    }
    return rows;
}

// LlamaModel.permute: rows viewed as [n_head, 2, rows / n_head / 2], the two inner axes swapped. Output row
// h * per + 2 * i + j holds source row h * per + j * per / 2 + i.
std::uint64_t TensorConverter::sourceRow(std::uint64_t row) const
{
    if (m_tensor.permuteHeads == 0) {
        return row;
    }
    const std::uint64_t perHead = m_tensor.rows / m_tensor.permuteHeads;
    const std::uint64_t head = row / perHead;
    const std::uint64_t within = row % perHead;
    return head * perHead + (within % 2) * (perHead / 2) + within / 2;
}

void TensorConverter::readSourceRows(std::uint64_t begin, std::uint64_t end, std::uint8_t* out) const
{
    const std::uint64_t size = (end - begin) * m_sourceRowBytes;
    if (m_tensor.generated) {
        std::memcpy(out, m_tensor.generated->data() + begin * m_tensor.cols, size);
        return;
    }
    m_source->read(m_tensor.sourceBegin + begin * m_sourceRowBytes, size, out);
}

void TensorConverter::convertRows(std::uint64_t begin, std::uint64_t end, std::uint8_t* out) const
{
    const std::uint64_t count = end - begin;
    // A block of whole heads reads exactly its own rows, in source order; only their order within changes.
    if ((m_copiesBytes || m_requantizesBf16) && m_tensor.permuteHeads == 0) {
        readSourceRows(begin, end, out);
        if (m_requantizesBf16) {
            kernels::requantizeBf16(out, count * m_tensor.cols, out);
        }
        return;
    }
    std::vector<std::uint8_t>& source = t_sourceRows;
    if (source.size() < count * m_sourceRowBytes) {
        source.resize(count * m_sourceRowBytes);
    }
    readSourceRows(begin, end, source.data());
    std::vector<float>& row = t_row;
    if (row.size() < m_tensor.cols) {
        row.resize(m_tensor.cols);
    }
    for (std::uint64_t r = begin; r < end; ++r) {
        const std::uint8_t* in = source.data() + (sourceRow(r) - begin) * m_sourceRowBytes;
        std::uint8_t* target = out + (r - begin) * m_outputRowBytes;
        if (m_copiesBytes) {
            std::memcpy(target, in, m_outputRowBytes);
            continue;
        }
        if (m_requantizesBf16) {
            kernels::requantizeBf16(in, m_tensor.cols, target);
            continue;
        }
        kernels::widen(m_tensor.sourceDtype, in, m_tensor.cols, row.data());
        if (m_tensor.addOne) {
            kernels::addOne(row.data(), m_tensor.cols);
            if (m_tensor.sourceDtype == Dtype::F16) {
                // An F16 tensor stays F16 in the converter, so torch computes w + 1 in half precision.
                std::vector<std::uint8_t> half(m_tensor.cols * 2);
                kernels::narrow(GgmlType::F16, row.data(), m_tensor.cols, half.data());
                kernels::widen(Dtype::F16, half.data(), m_tensor.cols, row.data());
            }
        }
        kernels::narrow(m_tensor.type, row.data(), m_tensor.cols, target);
    }
}

} // namespace deepext::gguf
