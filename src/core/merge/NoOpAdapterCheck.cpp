#include "NoOpAdapterCheck.h"

#include "MergeKernels.h"
#include "deepext/base/Error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

namespace deepext {
namespace {

constexpr std::uint64_t kBlockBytes = 1u << 20;

void throwIfCancelled(const std::atomic_bool& cancel)
{
    if (cancel.load(std::memory_order_relaxed)) {
        throw Error::cancelled();
    }
}

// Magnitude bits of one element: a float of either sign with these all zero is zero.
bool elementIsZero(const std::uint8_t* element, std::size_t size, bool floating)
{
    std::uint8_t last = element[size - 1];
    if (floating) {
        last &= 0x7f; // little-endian: the sign bit is the top bit of the last byte
    }
    if (last != 0) {
        return false;
    }
    for (std::size_t i = 0; i + 1 < size; ++i) {
        if (element[i] != 0) {
            return false;
        }
    }
    return true;
}

std::size_t bytesPerElement(Dtype dtype)
{
    return std::max<std::size_t>(1, dtypeBits(dtype) / 8);
}

// The base weights a check compares against, opened once per shard.
class BaseShards
{
public:
    explicit BaseShards(const ModelCheckpoint& base)
        : m_base(base)
    {
    }

    // The file holding `name` and its tensor; nullptr when the base has no such tensor.
    const SafeTensorsFile* fileOf(const std::string& name, const TensorInfo** info)
    {
        const auto shard = m_base.shardOfTensor.find(name);
        if (shard == m_base.shardOfTensor.end()) {
            return nullptr;
        }
        auto& file = m_open[shard->second];
        if (!file) {
            file = SafeTensorsFile::open(m_base.shards[shard->second].path);
        }
        *info = file->header().find(name);
        return *info ? file.get() : nullptr;
    }

private:
    const ModelCheckpoint& m_base;
    std::map<std::size_t, std::unique_ptr<SafeTensorsFile>> m_open;
};

// Rows [first, first + count) of a [rows, cols] tensor, widened to fp32.
void readRows(const SafeTensorsFile& file, const TensorInfo& info, std::uint64_t cols, std::uint64_t first,
              std::uint64_t count, std::vector<std::uint8_t>& bytes, std::vector<float>& values)
{
    const std::uint64_t rowBytes = cols * bytesPerElement(info.dtype);
    bytes.resize(count * rowBytes);
    file.read(info.begin + first * rowBytes, count * rowBytes, bytes.data());
    values.resize(count * cols);
    kernels::widen(info.dtype, bytes.data(), values.size(), values.data());
}

std::uint64_t rowsOf(const TensorInfo& info)
{
    return info.shape.size() >= 2 ? static_cast<std::uint64_t>(info.shape[0]) : 1;
}

std::uint64_t colsOf(const TensorInfo& info)
{
    const std::uint64_t rows = rowsOf(info);
    return rows == 0 ? 0 : info.elementCount() / rows;
}

std::uint64_t rowsPerBlock(std::uint64_t rowBytes)
{
    return std::max<std::uint64_t>(1, kBlockBytes / std::max<std::uint64_t>(1, rowBytes));
}

// With B zero, DoRA scales each row (Linear) or column (Conv1D, Embedding) of W0 by m / ||W0||: nothing changes when
// the stored magnitude equals the norm at the precision it is stored in. The norms are the merge's own (bit-exact with
// PEFT for Linear rows).
bool magnitudeChanges(const TensorPlan& plan, const SafeTensorsFile& adapter, BaseShards& shards,
                      const std::atomic_bool& cancel)
{
    const LoraDelta& delta = *plan.delta;
    const TensorInfo* weightInfo = nullptr;
    const SafeTensorsFile* weights = plan.replacement ? &adapter : shards.fileOf(plan.baseName, &weightInfo);
    if (plan.replacement) {
        weightInfo = &*plan.replacement;
    }
    if (!weights || !isMergeableFloat(weightInfo->dtype) || !isMergeableFloat(delta.magnitude->dtype)) {
        return true; // cannot tell: assume it does
    }
    std::vector<float> magnitude(delta.magnitude->elementCount());
    {
        std::vector<std::uint8_t> bytes(delta.magnitude->byteSize());
        adapter.read(delta.magnitude->begin, bytes.size(), bytes.data());
        kernels::widen(delta.magnitude->dtype, bytes.data(), magnitude.size(), magnitude.data());
    }
    const std::uint64_t rows = rowsOf(*weightInfo);
    const std::uint64_t cols = colsOf(*weightInfo);
    const bool byRow = delta.layout == DeltaLayout::Linear;
    if (magnitude.size() != (byRow ? rows : cols)) {
        return true;
    }
    std::vector<float> norms(byRow ? rows : cols, 0.0f);
    std::vector<float> sums(byRow ? 0 : cols, 0.0f);
    std::vector<std::uint8_t> bytes;
    std::vector<float> values;
    const std::uint64_t step = rowsPerBlock(cols * bytesPerElement(weightInfo->dtype));
    for (std::uint64_t first = 0; first < rows; first += step) {
        throwIfCancelled(cancel);
        const std::uint64_t count = std::min(step, rows - first);
        readRows(*weights, *weightInfo, cols, first, count, bytes, values);
        for (std::uint64_t r = 0; r < count; ++r) {
            const float* row = values.data() + r * cols;
            if (byRow) {
                norms[first + r] = kernels::rowNorm(row, cols);
            } else {
                kernels::accumulateSquares(row, cols, sums.data());
            }
        }
    }
    if (!byRow) {
        for (std::size_t j = 0; j < cols; ++j) {
            norms[j] = std::sqrt(sums[j]);
        }
    }
    kernels::roundThrough(delta.magnitude->dtype, norms.data(), norms.size());
    for (std::size_t i = 0; i < norms.size(); ++i) {
        if (norms[i] != magnitude[i]) {
            return true;
        }
    }
    return false;
}

// The bytes the merge would write for rows of a replacement (cast to the base tensor's dtype), against the base's.
bool rowsDiffer(const SafeTensorsFile& sourceFile, const TensorInfo& source, std::uint64_t sourceRow,
                const SafeTensorsFile& baseFile, const TensorInfo& base, std::uint64_t baseRow, std::uint64_t count,
                std::uint64_t cols)
{
    std::vector<std::uint8_t> bytes;
    std::vector<float> values;
    readRows(sourceFile, source, cols, sourceRow, count, bytes, values);
    std::vector<std::uint8_t> written(count * cols * bytesPerElement(base.dtype));
    kernels::narrow(base.dtype, values.data(), values.size(), written.data());
    std::vector<std::uint8_t> original(written.size());
    baseFile.read(base.begin + baseRow * cols * bytesPerElement(base.dtype), original.size(), original.data());
    return std::memcmp(written.data(), original.data(), written.size()) != 0;
}

bool replacementChanges(const TensorPlan& plan, const SafeTensorsFile& adapter, BaseShards& shards,
                        const std::atomic_bool& cancel)
{
    const TensorInfo& replacement = *plan.replacement;
    const TensorInfo* baseInfo = nullptr;
    const SafeTensorsFile* baseFile = plan.baseName.empty() ? nullptr : shards.fileOf(plan.baseName, &baseInfo);
    if (!baseFile || baseInfo->shape != replacement.shape || baseInfo->dtype != plan.computeDtype ||
        !isMergeableFloat(replacement.dtype) || !isMergeableFloat(baseInfo->dtype)) {
        return true; // a new tensor, a new shape or a dtype the merge changes: something changes
    }
    const std::uint64_t rows = rowsOf(replacement);
    const std::uint64_t cols = colsOf(replacement);
    const std::uint64_t step = rowsPerBlock(cols * 4);
    for (std::uint64_t first = 0; first < rows; first += step) {
        throwIfCancelled(cancel);
        const std::uint64_t count = std::min(step, rows - first);
        if (rowsDiffer(adapter, replacement, first, *baseFile, *baseInfo, first, count, cols)) {
            return true;
        }
    }
    return false;
}

bool tokenRowsChange(const TensorPlan& plan, const SafeTensorsFile& adapter, BaseShards& shards)
{
    const TensorInfo& tokens = *plan.tokenRows;
    const TensorInfo* baseInfo = nullptr;
    const SafeTensorsFile* baseFile = plan.baseName.empty() ? nullptr : shards.fileOf(plan.baseName, &baseInfo);
    if (!baseFile || plan.replacement || !isMergeableFloat(tokens.dtype) || !isMergeableFloat(baseInfo->dtype)) {
        return true;
    }
    const std::uint64_t cols = colsOf(*baseInfo);
    if (colsOf(tokens) != cols) {
        return true;
    }
    for (std::size_t i = 0; i < plan.tokenIndices.size(); ++i) {
        const std::int64_t index = plan.tokenIndices[i];
        if (index < 0 || static_cast<std::uint64_t>(index) >= rowsOf(*baseInfo) ||
            rowsDiffer(adapter, tokens, i, *baseFile, *baseInfo, static_cast<std::uint64_t>(index), 1, cols)) {
            return true;
        }
    }
    return false;
}

} // namespace

bool NoOpAdapterCheck::isAllZero(const SafeTensorsFile& file, const TensorInfo& tensor, const std::atomic_bool& cancel)
{
    const std::size_t size = bytesPerElement(tensor.dtype);
    const bool floating = isFloatingPoint(tensor.dtype) && dtypeBits(tensor.dtype) % 8 == 0;
    const std::uint64_t block = std::max<std::uint64_t>(size, kBlockBytes / size * size);
    std::vector<std::uint8_t> bytes;
    for (std::uint64_t offset = 0; offset < tensor.byteSize(); offset += block) {
        throwIfCancelled(cancel);
        const std::uint64_t length = std::min(block, tensor.byteSize() - offset);
        bytes.resize(length);
        file.read(tensor.begin + offset, length, bytes.data());
        for (std::uint64_t i = 0; i + size <= length; i += size) {
            if (!elementIsZero(bytes.data() + i, size, floating)) {
                return false;
            }
        }
    }
    return true;
}

std::optional<std::string> NoOpAdapterCheck::warning(const AdapterPlan& plan, const SafeTensorsFile& adapter,
                                                     const ModelCheckpoint& base, const std::atomic_bool& cancel)
{
    if (plan.newVocabSize || plan.untieEmbeddings) {
        return std::nullopt; // the shape of the model changes
    }
    bool anyDelta = false;
    // First the cheap, decisive part: a trained adapter has a nonzero lora_B, usually in its first block.
    for (const auto& [name, tensor] : plan.tensors) {
        if (tensor.delta) {
            anyDelta = true;
            if (!isAllZero(adapter, tensor.delta->b, cancel)) {
                return std::nullopt;
            }
        }
        if (tensor.loraBias && !isAllZero(adapter, *tensor.loraBias, cancel)) {
            return std::nullopt;
        }
    }
    BaseShards shards(base);
    bool anyReplacement = false;
    for (const auto& [name, tensor] : plan.tensors) {
        if (tensor.delta && tensor.delta->magnitude && magnitudeChanges(tensor, adapter, shards, cancel)) {
            return std::nullopt;
        }
        if (tensor.replacement) {
            anyReplacement = true;
            if (replacementChanges(tensor, adapter, shards, cancel)) {
                return std::nullopt;
            }
        }
        if (tensor.tokenRows) {
            anyReplacement = true;
            if (tokenRowsChange(tensor, adapter, shards)) {
                return std::nullopt;
            }
        }
    }
    if (!anyDelta && !anyReplacement) {
        return std::nullopt; // nothing to apply at all is a different problem, reported by the plan
    }
    return std::string(WarningText);
}

} // namespace deepext
