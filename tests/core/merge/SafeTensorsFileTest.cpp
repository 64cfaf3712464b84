#include "deepext/merge/SafeTensorsFile.h"

#include "deepext/base/Error.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace deepext {
namespace {

namespace fs = std::filesystem;

std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string lengthPrefix(std::uint64_t n)
{
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
    }
    return out;
}

class SafeTensorsFileTest : public ::testing::Test
{
protected:
    // Writes [u64 N][header][data]; N defaults to the header's length.
    std::string write(const std::string& header, const std::string& data = {},
                      std::optional<std::uint64_t> n = std::nullopt)
    {
        return writeRaw(lengthPrefix(n.value_or(header.size())) + header + data);
    }

    std::string writeRaw(const std::string& bytes)
    {
        const std::string path =
            (fs::path(m_dir.path().toStdString()) / ("f" + std::to_string(m_count++) + ".safetensors")).string();
        std::ofstream out(path, std::ios::binary);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return path;
    }

    // Both entry points (header-only read and mmap open) must refuse the file, naming it and the rule.
    void expectInvalid(const std::string& path, const std::string& rule)
    {
        SCOPED_TRACE(rule);
        for (int mode = 0; mode < 2; ++mode) {
            try {
                if (mode == 0) {
                    readSafeTensorsHeader(path);
                } else {
                    SafeTensorsFile::open(path);
                }
                ADD_FAILURE() << "accepted " << readBytes(path).substr(0, 200);
            } catch (const Error& e) {
                EXPECT_NE(e.message().find(path), std::string::npos) << e.message();
                EXPECT_NE(e.message().find(rule), std::string::npos) << e.message();
            }
        }
    }

    void expectInvalidHeader(const std::string& header, const std::string& data, const std::string& rule)
    {
        expectInvalid(write(header, data), rule);
    }

    QTemporaryDir m_dir;
    int m_count = 0;
};

const std::string kGolden = std::string(DEEPEXT_TEST_DATA_DIR) + "/golden";

TEST_F(SafeTensorsFileTest, OpensGoldenBaseAndReadsTensorBytesFromTheMapping)
{
    const std::string path = kGolden + "/llama_bf16_qv/base/model.safetensors";
    const auto file = SafeTensorsFile::open(path);
    const SafeTensorsHeader& header = file->header();
    EXPECT_EQ(file->path(), path);
    EXPECT_EQ(header.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
    EXPECT_EQ(header.headerSize, 2136u);
    EXPECT_EQ(header.dataOffset, 2144u);
    EXPECT_EQ(header.fileSize, fs::file_size(path));
    ASSERT_FALSE(header.tensors.empty());
    std::uint64_t position = 0;
    for (const TensorInfo& tensor : header.tensors) {
        EXPECT_EQ(tensor.begin, position) << "tensors are in offset order";
        position = tensor.end;
    }
    const TensorInfo* q = header.find("model.layers.0.self_attn.q_proj.weight");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->dtype, Dtype::BF16);
    EXPECT_EQ(q->shape, (std::vector<std::int64_t>{64, 64}));
    EXPECT_EQ(q->elementCount(), 4096u);
    EXPECT_EQ(q->byteSize(), 8192u);
    EXPECT_EQ(header.find("no.such.tensor"), nullptr);

    const std::string bytes = readBytes(path);
    const auto expected = bytes.substr(header.dataOffset + q->begin, q->byteSize());
    EXPECT_EQ(std::memcmp(file->tensorData(*q), expected.data(), expected.size()), 0);
    // Releasing pages only drops them from this process: the data reads back the same from the page cache.
    file->releaseRange(0, header.fileSize - header.dataOffset);
    file->releaseRange(q->begin, q->end);
    file->releaseRange(5, 3);              // empty: ignored
    file->releaseRange(0, UINT64_MAX / 2); // clamped to the buffer
    EXPECT_EQ(std::memcmp(file->tensorData(*q), expected.data(), expected.size()), 0);

    TensorInfo foreign = *q;
    foreign.end = header.fileSize; // does not lie inside the buffer
    EXPECT_THROW(file->tensorData(foreign), Error);

    const SafeTensorsHeader headerOnly = readSafeTensorsHeader(path);
    ASSERT_EQ(headerOnly.tensors.size(), header.tensors.size());
    for (std::size_t i = 0; i < header.tensors.size(); ++i) {
        EXPECT_EQ(headerOnly.tensors[i].name, header.tensors[i].name);
        EXPECT_EQ(headerOnly.tensors[i].begin, header.tensors[i].begin);
        EXPECT_EQ(headerOnly.tensors[i].end, header.tensors[i].end);
        EXPECT_EQ(headerOnly.tensors[i].shape, header.tensors[i].shape);
    }
}

// read() is the merge's way in: the same bytes as the mapping, and an error naming the file instead of SIGBUS when
// the file shrinks while open.
TEST_F(SafeTensorsFileTest, ReadCopiesTheSameBytesAndReportsAFileThatShrank)
{
    const std::string source = kGolden + "/llama_bf16_qv/base/model.safetensors";
    const std::string path = writeRaw(readBytes(source));
    const auto file = SafeTensorsFile::open(path);
    const std::uint64_t bufferSize = file->header().fileSize - file->header().dataOffset;
    std::string copy(bufferSize, '\0');
    file->read(0, bufferSize, copy.data());
    EXPECT_EQ(copy, readBytes(source).substr(file->header().dataOffset));
    EXPECT_THROW(file->read(bufferSize - 1, 2, copy.data()), Error);
    EXPECT_THROW(file->read(UINT64_MAX, 1, copy.data()), Error);

    fs::resize_file(path, file->header().dataOffset + 100);
    try {
        file->read(0, 200, copy.data());
        ADD_FAILURE() << "a read past the new end succeeded";
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("cannot read " + path + ": the file became shorter"), std::string::npos)
            << e.message();
    }
}

TEST_F(SafeTensorsFileTest, ReadsEveryFixtureFile)
{
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(DEEPEXT_TEST_DATA_DIR)) {
        if (entry.path().extension() == ".safetensors") {
            SCOPED_TRACE(entry.path().string());
            const auto file = SafeTensorsFile::open(entry.path().string());
            EXPECT_EQ(file->header().fileSize, entry.file_size());
            ++files;
        }
    }
    EXPECT_GT(files, 20);
}

TEST_F(SafeTensorsFileTest, AcceptsMinimalFilesWhitespaceScalarsAndEmptyTensors)
{
    EXPECT_TRUE(readSafeTensorsHeader(write("{}")).tensors.empty());
    EXPECT_TRUE(readSafeTensorsHeader(write("{}      ")).tensors.empty());
    // Leading JSON whitespace is accepted (writers may page-align the data that way), as is any trailing.
    EXPECT_TRUE(readSafeTensorsHeader(write(" \t\r\n{}\n  ")).tensors.empty());
    EXPECT_TRUE(readSafeTensorsHeader(write(R"({"__metadata__":null})")).metadata.empty());

    const std::string header = R"({"__metadata__":{"format":"pt","k":""},)"
                               R"("s":{"dtype":"F32","shape":[],"data_offsets":[0,4]},)"
                               R"("z1":{"dtype":"BF16","shape":[0,3],"data_offsets":[4,4]},)"
                               R"("z0":{"dtype":"I8","shape":[5,0],"data_offsets":[4,4]},)"
                               R"("f4":{"dtype":"F4","shape":[2,3],"data_offsets":[4,7]},)"
                               R"("f6":{"dtype":"F6_E2M3","shape":[4],"data_offsets":[7,10]},)"
                               R"("u":{"dtype":"U8","shape":[2],"data_offsets":[10,12],"extra":"ignored"}})";
    const std::string path = write(header, std::string(12, 'x'));
    const auto file = SafeTensorsFile::open(path);
    const SafeTensorsHeader& h = file->header();
    EXPECT_EQ(h.metadata.at("k"), "");
    ASSERT_EQ(h.tensors.size(), 6u);
    EXPECT_EQ(h.tensors[0].name, "s");
    EXPECT_EQ(h.tensors[0].elementCount(), 1u); // a scalar
    EXPECT_EQ(h.tensors[1].name, "z0");         // equal offsets: by name
    EXPECT_EQ(h.tensors[2].name, "z1");
    EXPECT_EQ(h.tensors[2].elementCount(), 0u);
    EXPECT_EQ(h.tensors[3].dtype, Dtype::F4);
    EXPECT_EQ(h.tensors[5].byteSize(), 2u);
}

TEST_F(SafeTensorsFileTest, RefusesBadLengths)
{
    expectInvalid(writeRaw(""), "too small");
    expectInvalid(writeRaw(std::string("\x02\0\0\0\0\0\0", 7)), "too small");
    expectInvalid(write("{}", {}, 100'000'001), "too large");
    expectInvalid(write("{}", {}, UINT64_MAX), "too large");
    expectInvalid(write("{}", {}, 3), "beyond the end");
    expectInvalid(write("{}", std::string(100, ' '), 200), "beyond the end");
}

TEST_F(SafeTensorsFileTest, RefusesHeadersThatAreNotUtf8OrJson)
{
    expectInvalidHeader("{\"a\xff\":1}", {}, "not valid UTF-8");
    expectInvalidHeader("{\"\xc0\xaf\":1}", {}, "not valid UTF-8");     // overlong '/'
    expectInvalidHeader("{\"\xed\xa0\x80\":1}", {}, "not valid UTF-8"); // a surrogate
    expectInvalidHeader("{\"\xf4\x90\x80\x80\":1}", {}, "not valid UTF-8");
    expectInvalidHeader("{\"\xe2\x82\":1}", {}, "not valid UTF-8"); // truncated sequence
    expectInvalidHeader("{}    \xff", {}, "not valid UTF-8");       // in the padding too
    expectInvalidHeader("\xef\xbb\xbf{}", {}, "byte-order mark");
    expectInvalidHeader("", {}, "not valid JSON");
    expectInvalidHeader("{\"a\":", {}, "not valid JSON");
    expectInvalidHeader("{} x", {}, "not valid JSON");
    expectInvalidHeader(std::string("{}\0\0\0\0", 6), {}, "NUL byte");  // NUL padding is not whitespace
    expectInvalidHeader(std::string("{}\0{\"a\"}", 8), {}, "NUL byte"); // nlohmann would stop at the NUL
    expectInvalidHeader("{/*c*/}", {}, "not valid JSON");
    expectInvalidHeader(std::string(5000, '[') + std::string(5000, ']'), {}, "nested");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[[1]],"data_offsets":[0,4]}})", std::string(4, 'x'), "nested");
}

TEST_F(SafeTensorsFileTest, RefusesWrongShapes)
{
    expectInvalidHeader("[]", {}, "must be a JSON object");
    expectInvalidHeader("\"x\"", {}, "must be a JSON object");
    expectInvalidHeader(R"({"a":1})", {}, "tensor \"a\" must be an object");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1]}})", {}, "must have dtype, shape and data_offsets");
    expectInvalidHeader(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", {}, "must have dtype");
    expectInvalidHeader(R"({"a":{"dtype":7,"shape":[1],"data_offsets":[0,4]}})", "xxxx", "dtype must be a string");
    expectInvalidHeader(R"({"a":{"dtype":"F128","shape":[1],"data_offsets":[0,4]}})", "xxxx", "unknown dtype \"F128\"");
    expectInvalidHeader(R"({"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", "xxxx", "unknown dtype");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":1,"data_offsets":[0,4]}})", "xxxx", "shape must be an array");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "xxxx", "non-negative integer");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}})", "xxxx", "non-negative integer");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[-0],"data_offsets":[0,4]}})", "xxxx", "non-negative integer");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}})", "xxxx", "non-negative integer");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}})", "xxxx",
                        "non-negative integer");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[9223372036854775808],"data_offsets":[0,4]}})", "xxxx",
                        "too large");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", "xxxx", "[begin, end]");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}})", "xxxx", "[begin, end]");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":{"0":4}}})", "xxxx", "[begin, end]");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[-1,4]}})", "xxxx", "non-negative");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,null]}})", "xxxx", "non-negative");
}

TEST_F(SafeTensorsFileTest, RefusesMetadataThatIsNotStringToString)
{
    expectInvalidHeader(R"({"__metadata__":{"format":1}})", {}, "metadata values must be strings");
    expectInvalidHeader(R"({"__metadata__":{"format":null}})", {}, "metadata values must be strings");
    expectInvalidHeader(R"({"__metadata__":{"a":{"b":"c"}}})", {}, "metadata values must be strings");
    expectInvalidHeader(R"({"__metadata__":["format","pt"]})", {}, "__metadata__ must be an object");
    expectInvalidHeader(R"({"__metadata__":"pt"})", {}, "__metadata__ must be an object");
}

TEST_F(SafeTensorsFileTest, RefusesDuplicateKeys)
{
    const std::string t = R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
    const std::string u = R"({"dtype":"F32","shape":[1],"data_offsets":[4,8]})";
    expectInvalidHeader("{\"a\":" + t + ",\"a\":" + u + "}", std::string(8, 'x'), "duplicate tensor name");
    expectInvalidHeader("{\"a\":" + t + ",\"a\":" + t + "}", std::string(4, 'x'), "\"a\" twice");
    expectInvalidHeader(R"({"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})", "xxxx",
                        "\"dtype\" twice");
    expectInvalidHeader(R"({"__metadata__":{"format":"pt","format":"tf"}})", {}, "\"format\" twice");
    expectInvalidHeader(R"({"__metadata__":{},"__metadata__":{}})", {}, "twice");
}

TEST_F(SafeTensorsFileTest, RefusesHolesOverlapsAndBackwardOffsets)
{
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", std::string(8, 'x'),
                        "do not start at 0");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                        std::string(12, 'x'), "a hole");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                        std::string(8, 'x'), "an overlap");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})",
                        std::string(4, 'x'), "end before they begin");
}

TEST_F(SafeTensorsFileTest, RefusesSizesThatDoNotMatchShapeAndDtype)
{
    expectInvalidHeader(R"({"a":{"dtype":"U8","shape":[4294967296,4294967296,2],"data_offsets":[0,4]}})", "xxxx",
                        "element count of its shape overflows");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}})", "xxxx",
                        "bit count of its shape overflows");
    expectInvalidHeader(R"({"a":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}})", "x", "misaligned");
    expectInvalidHeader(R"({"a":{"dtype":"F6_E3M2","shape":[1],"data_offsets":[0,1]}})", "x", "misaligned");
    expectInvalidHeader(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", "xxxx", "shape needs 8");
    expectInvalidHeader(R"({"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,16]}})", std::string(16, 'x'),
                        "shape needs 8");
}

TEST_F(SafeTensorsFileTest, RefusesFilesTheOffsetsDoNotCoverExactly)
{
    const std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
    expectInvalidHeader(header, "xxxxx", "trailing bytes");
    expectInvalidHeader(header, "xxx", "truncated");
    expectInvalidHeader("{}", "x", "trailing bytes");
}

TEST_F(SafeTensorsFileTest, ReportsUnreadablePaths)
{
    const std::string missing = m_dir.path().toStdString() + "/missing.safetensors";
    try {
        readSafeTensorsHeader(missing);
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("cannot read " + missing), std::string::npos) << e.message();
    }
    EXPECT_THROW(SafeTensorsFile::open(missing), Error);
    EXPECT_THROW(SafeTensorsFile::open(m_dir.path().toStdString()), Error); // a directory
}

TEST_F(SafeTensorsFileTest, ParsesFromABufferWithoutAFile)
{
    const std::string header = R"({"a":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}})";
    const std::string bytes = lengthPrefix(header.size()) + header + "abcd";
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const SafeTensorsHeader parsed = parseSafeTensorsHeader("mem", data, bytes.size(), bytes.size());
    ASSERT_EQ(parsed.tensors.size(), 1u);
    EXPECT_EQ(parsed.tensors[0].dtype, Dtype::I16);
    // Only the header needs to be available; the file size is checked against the offsets.
    EXPECT_NO_THROW(parseSafeTensorsHeader("mem", data, 8 + header.size(), bytes.size()));
    EXPECT_THROW(parseSafeTensorsHeader("mem", data, 8 + header.size() - 1, bytes.size()), Error);
    EXPECT_THROW(parseSafeTensorsHeader("mem", data, 4, bytes.size()), Error);
    EXPECT_THROW(parseSafeTensorsHeader("mem", data, bytes.size(), bytes.size() + 1), Error);
}

} // namespace
} // namespace deepext
