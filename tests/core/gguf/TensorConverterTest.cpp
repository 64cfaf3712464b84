// Row blocks of any size give the same bytes as one block of the whole tensor, also with the Q/K permutation
// (whose blocks are whole heads).
#include "TensorConverter.h"

#include "GgufReferences.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

using namespace deepext::gguf;

namespace {

ExportTensor generatedTensor(std::uint64_t rows, std::uint64_t cols, GgmlType type, std::uint64_t heads)
{
    ExportTensor tensor;
    tensor.name = "blk.0.attn_q.weight";
    tensor.type = type;
    tensor.ne = {cols, rows};
    tensor.rows = rows;
    tensor.cols = cols;
    tensor.permuteHeads = heads;
    auto values = std::make_shared<std::vector<float>>(rows * cols);
    for (std::uint64_t i = 0; i < values->size(); ++i) {
        (*values)[i] = static_cast<float>(i % 97) * 0.013f - 0.5f;
    }
    tensor.generated = values;
    return tensor;
}

TEST(TensorConverter, BlocksOfWholeHeads_GiveTheBytesOfOneBlock)
{
    for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0}) {
        const ExportTensor tensor = generatedTensor(96, 64, type, 3); // 3 heads of 32 rows
        const TensorConverter converter(tensor, nullptr);
        std::vector<std::uint8_t> whole(converter.rows() * converter.outputRowBytes());
        converter.convertRows(0, converter.rows(), whole.data());
        for (const std::uint64_t target : {1u, 100u, 5000u, 1u << 20}) {
            const std::uint64_t rows = converter.rowsPerBlock(target);
            EXPECT_EQ(rows % 32, 0u) << "a block is whole heads";
            std::vector<std::uint8_t> blocks(whole.size());
            for (std::uint64_t begin = 0; begin < converter.rows(); begin += rows) {
                const std::uint64_t end = std::min(converter.rows(), begin + rows);
                converter.convertRows(begin, end, blocks.data() + begin * converter.outputRowBytes());
            }
            EXPECT_EQ(blocks, whole) << ggmlTypeName(type) << " blocks of " << rows << " rows";
        }
        // Row 1 of the output is source row 16 (head 0, second half), row 2 is source row 1.
        if (type == GgmlType::F32) {
            std::vector<float> values(whole.size() / 4);
            std::memcpy(values.data(), whole.data(), whole.size());
            EXPECT_EQ(values[1 * 64], (*tensor.generated)[16 * 64]);
            EXPECT_EQ(values[2 * 64], (*tensor.generated)[1 * 64]);
            EXPECT_EQ(values[33 * 64], (*tensor.generated)[48 * 64]);
        }
    }
}

TEST(TensorConverter, UnpermutedTensorsSplitAnywhere)
{
    const ExportTensor tensor = generatedTensor(37, 32, GgmlType::Q8_0, 0);
    const TensorConverter converter(tensor, nullptr);
    EXPECT_EQ(converter.rowsPerBlock(100), 2u); // 34-byte rows
    std::vector<std::uint8_t> whole(converter.rows() * converter.outputRowBytes());
    converter.convertRows(0, converter.rows(), whole.data());
    std::vector<std::uint8_t> blocks(whole.size());
    for (std::uint64_t begin = 0; begin < converter.rows(); begin += 5) {
        converter.convertRows(begin, std::min<std::uint64_t>(begin + 5, converter.rows()),
                              blocks.data() + begin * converter.outputRowBytes());
    }
    EXPECT_EQ(blocks, whole);
    EXPECT_EQ(std::vector<std::uint8_t>(whole.begin(), whole.begin() + 34),
              deepext::test::referenceQ8Block(tensor.generated->data()));
}

} // namespace
