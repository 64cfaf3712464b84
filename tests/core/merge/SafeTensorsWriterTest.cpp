#include "deepext/merge/SafeTensorsWriter.h"

#include "deepext/base/Error.h"
#include "deepext/base/Sha256.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sys/resource.h>

namespace deepext {
namespace {

namespace fs = std::filesystem;

std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uint64_t headerLength(const std::string& bytes)
{
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) {
        n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    }
    return n;
}

std::vector<std::uint8_t> pattern(std::size_t size, unsigned seed)
{
    std::vector<std::uint8_t> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<std::uint8_t>((i * 131 + seed * 7 + (i >> 8)) & 0xff);
    }
    return bytes;
}

std::vector<std::string> directoryEntries(const std::string& directory)
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory)) {
        names.push_back(entry.path().filename().string());
    }
    return names;
}

class SafeTensorsWriterTest : public ::testing::Test
{
protected:
    std::string path(const std::string& name) const { return m_dir.path().toStdString() + "/" + name; }
    std::string dir() const { return m_dir.path().toStdString(); }

    QTemporaryDir m_dir;
};

TEST_F(SafeTensorsWriterTest, GoldenExampleOfTheReferenceWriter)
{
    const std::string file = path("golden.safetensors");
    std::vector<std::uint8_t> data(24);
    std::iota(data.begin(), data.end(), 0);
    const std::string sha = writeSafeTensorsFile(file, {{{"attn.0", Dtype::F32, {1, 2, 3}}, data}}, {});
    const std::string bytes = readBytes(file);
    const std::string expectedHeader = R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})";
    ASSERT_EQ(expectedHeader.size(), 64u);
    EXPECT_EQ(headerLength(bytes), 64u);
    EXPECT_EQ(bytes.substr(8, 64), expectedHeader);
    EXPECT_EQ(bytes.substr(72), std::string(data.begin(), data.end()));
    EXPECT_EQ(sha, Sha256::ofFile(file));
}

TEST_F(SafeTensorsWriterTest, EmptyDictIsBracesAndSixSpaces)
{
    const std::string file = path("empty.safetensors");
    writeSafeTensorsFile(file, {}, {});
    const std::string bytes = readBytes(file);
    EXPECT_EQ(bytes, std::string("\x08\0\0\0\0\0\0\0", 8) + "{}      ");
    EXPECT_TRUE(readSafeTensorsHeader(file).tensors.empty());
}

TEST_F(SafeTensorsWriterTest, SortsByDtypeDescendingThenNameBytewiseAndPutsMetadataFirst)
{
    std::vector<TensorBlob> blobs = {
        {{"layers.2", Dtype::BF16, {2}}, pattern(4, 1)},
        {{"layers.10", Dtype::BF16, {3}}, pattern(6, 2)},
        {{"mask", Dtype::BOOL, {3}}, pattern(3, 3)},
        {{"big", Dtype::U64, {1}}, pattern(8, 4)},
        {{"Z", Dtype::F32, {}}, pattern(4, 5)},
        {{"a", Dtype::F32, {0}}, {}},
        {{"\xc3\xa9t\xc3\xa9", Dtype::I8, {1}}, pattern(1, 6)},
        {{"ids", Dtype::I64, {2}}, pattern(16, 7)},
    };
    const std::string file = path("sorted.safetensors");
    writeSafeTensorsFile(file, blobs, {{"format", "pt"}, {"b", "2"}});
    const std::string bytes = readBytes(file);
    const std::uint64_t n = headerLength(bytes);
    EXPECT_EQ(n % 8, 0u);
    const std::string header = bytes.substr(8, n);
    EXPECT_EQ(header.rfind(R"({"__metadata__":{"b":"2","format":"pt"},"big":{"dtype":"U64","shape":[1],)"
                           R"("data_offsets":[0,8]},"ids":{"dtype":"I64")",
                           0),
              0u)
        << header;

    const SafeTensorsHeader parsed = readSafeTensorsHeader(file);
    std::vector<std::string> order;
    for (const TensorInfo& tensor : parsed.tensors) {
        order.push_back(tensor.name);
    }
    // "a" is empty and shares its offset with the next tensor; the reader breaks that tie by name.
    const std::vector<std::string> expected = {"big", "ids", "Z", "a", "layers.10", "layers.2", "\xc3\xa9t\xc3\xa9",
                                               "mask"};
    EXPECT_EQ(order, expected);
    const auto mapped = SafeTensorsFile::open(file);
    for (const TensorBlob& blob : blobs) {
        const TensorInfo* info = mapped->header().find(blob.spec.name);
        ASSERT_NE(info, nullptr) << blob.spec.name;
        ASSERT_EQ(info->byteSize(), blob.bytes.size());
        if (!blob.bytes.empty()) { // memcmp with a null pointer is undefined even for zero bytes
            EXPECT_EQ(std::memcmp(mapped->tensorData(*info), blob.bytes.data(), blob.bytes.size()), 0);
        }
    }
}

TEST_F(SafeTensorsWriterTest, EscapesNamesLikeSerdeJson)
{
    const std::string name = std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9");
    const std::string file = path("escape.safetensors");
    writeSafeTensorsFile(file, {{{name, Dtype::U8, {1}}, {42}}}, {{"k\"", "v\n"}});
    const std::string bytes = readBytes(file);
    const std::string header = bytes.substr(8, headerLength(bytes));
    EXPECT_EQ(header.rfind(std::string(R"({"__metadata__":{"k\"":"v\n"},"q\"b\\s/\b\f\n\r\t\u0001\u001f)") +
                               "\x7f\xc3\xa9\":{",
                           0),
              0u)
        << header;
    const SafeTensorsHeader parsed = readSafeTensorsHeader(file);
    ASSERT_EQ(parsed.tensors.size(), 1u);
    EXPECT_EQ(parsed.tensors[0].name, name);
    EXPECT_EQ(parsed.metadata.at("k\""), "v\n");
}

// Every real safetensors file in the fixtures (written by the Rust reference via PEFT/transformers) comes out
// byte for byte the same when its tensors are written again.
TEST_F(SafeTensorsWriterTest, ReproducesEveryFixtureFileByteForByte)
{
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(DEEPEXT_TEST_DATA_DIR)) {
        if (entry.path().extension() != ".safetensors") {
            continue;
        }
        SCOPED_TRACE(entry.path().string());
        const auto source = SafeTensorsFile::open(entry.path().string());
        std::vector<TensorBlob> blobs;
        for (const TensorInfo& info : source->header().tensors) {
            const std::uint8_t* data = source->tensorData(info);
            blobs.push_back({{info.name, info.dtype, info.shape}, {data, data + info.byteSize()}});
        }
        std::reverse(blobs.begin(), blobs.end()); // input order must not matter
        const std::string copy = path("copy" + std::to_string(files++) + ".safetensors");
        const std::string sha = writeSafeTensorsFile(copy, blobs, source->header().metadata);
        ASSERT_EQ(readBytes(copy), readBytes(entry.path().string()));
        EXPECT_EQ(sha, Sha256::ofFile(entry.path().string()));
    }
    EXPECT_GT(files, 20);
}

TEST_F(SafeTensorsWriterTest, StreamsInChunksAcrossTensorsWithTheSameResult)
{
    const std::vector<TensorSpec> specs = {
        {"w", Dtype::BF16, {1024, 3000}}, // 6,144,000 bytes: larger than the write buffer
        {"e", Dtype::F32, {0}},
        {"b", Dtype::F32, {7}},
        {"n", Dtype::U8, {5}},
    };
    SafeTensorsWriter writer(path("stream.safetensors"), specs);
    const SafeTensorsHeader& header = writer.header();
    ASSERT_EQ(header.tensors.size(), 4u);
    EXPECT_EQ(header.tensors[0].name, "b"); // F32 before BF16 before U8; empty "e" after "b"
    EXPECT_EQ(header.tensors[1].name, "e");
    EXPECT_EQ(header.tensors[2].name, "w");
    EXPECT_EQ(header.tensors[3].name, "n");
    EXPECT_EQ(header.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
    EXPECT_EQ(header.path, path("stream.safetensors"));
    const std::uint64_t total = header.fileSize - header.dataOffset;
    EXPECT_EQ(total, 28u + 6'144'000u + 5u);
    EXPECT_EQ(writer.fileSize(), header.fileSize);

    const std::vector<std::uint8_t> data = pattern(total, 9);
    ASSERT_NE(writer.currentTensor(), nullptr);
    EXPECT_EQ(writer.currentTensor()->name, "b");
    writer.append(data.data(), 10); // part of "b"
    EXPECT_EQ(writer.currentTensor()->name, "b");
    writer.append(data.data() + 10, 20); // the rest of "b", past empty "e", into "w"
    EXPECT_EQ(writer.currentTensor()->name, "w");
    EXPECT_EQ(writer.bufferPosition(), 30u);
    std::uint64_t position = 30;
    for (const std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{4u << 20}, std::uint64_t{1000}}) {
        writer.append(data.data() + position, chunk);
        position += chunk;
    }
    writer.append(data.data() + position, total - position - 2);
    EXPECT_EQ(writer.currentTensor()->name, "n");
    writer.append(data.data() + total - 2, 2);
    EXPECT_EQ(writer.currentTensor(), nullptr);
    EXPECT_THROW(writer.append(data.data(), 1), Error); // past the end
    const std::string sha = writer.finish();
    EXPECT_EQ(sha, Sha256::ofFile(path("stream.safetensors")));
    EXPECT_THROW(writer.finish(), Error);

    std::vector<TensorBlob> blobs;
    for (const TensorInfo& info : header.tensors) {
        blobs.push_back({{info.name, info.dtype, info.shape},
                         {data.begin() + static_cast<std::ptrdiff_t>(info.begin),
                          data.begin() + static_cast<std::ptrdiff_t>(info.end)}});
    }
    EXPECT_EQ(writeSafeTensorsFile(path("whole.safetensors"), blobs), sha);
    EXPECT_EQ(readBytes(path("whole.safetensors")), readBytes(path("stream.safetensors")));
}

TEST_F(SafeTensorsWriterTest, WriteAtAcceptsOnlyTheNextBytes)
{
    SafeTensorsWriter writer(path("ordered.safetensors"), {{"a", Dtype::U8, {4}}, {"b", Dtype::U8, {2}}}, {});
    const std::uint8_t bytes[4] = {1, 2, 3, 4};
    EXPECT_THROW(writer.writeAt("b", 0, bytes, 2), Error); // "a" comes first
    writer.writeAt("a", 0, bytes, 2);
    EXPECT_THROW(writer.writeAt("a", 3, bytes, 1), Error); // a gap
    EXPECT_THROW(writer.writeAt("a", 2, bytes, 3), Error); // runs past the tensor
    writer.writeAt("a", 2, bytes + 2, 2);
    EXPECT_THROW(writer.finish(), Error); // "b" is missing
    writer.writeAt("b", 0, bytes, 2);
    writer.finish();
    const std::string file = readBytes(path("ordered.safetensors"));
    EXPECT_EQ(file.substr(file.size() - 6), std::string("\x01\x02\x03\x04\x01\x02", 6));
}

TEST_F(SafeTensorsWriterTest, PublishesOnlyOnFinishAndCleansUpWhenAbandoned)
{
    const std::string file = path("model.safetensors");
    {
        SafeTensorsWriter writer(file, {{"a", Dtype::U8, {4}}});
        writer.append("abcd", 4);
        EXPECT_FALSE(fs::exists(file)) << "the file appears under its name only when finished";
    }
    EXPECT_TRUE(directoryEntries(dir()).empty());

    writeSafeTensorsFile(file, {{{"old", Dtype::U8, {1}}, {1}}});
    const std::string before = readBytes(file);
    {
        SafeTensorsWriter writer(file, {{"a", Dtype::U8, {4}}});
        writer.append("ab", 2);
    }
    EXPECT_EQ(readBytes(file), before) << "an abandoned write leaves an existing file alone";
    EXPECT_EQ(directoryEntries(dir()), std::vector<std::string>{"model.safetensors"});
}

TEST_F(SafeTensorsWriterTest, RefusesBadSpecs)
{
    EXPECT_THROW(SafeTensorsWriter(path("x.safetensors"), {{"a", Dtype::U8, {1}}, {"a", Dtype::F32, {1}}}), Error);
    EXPECT_THROW(SafeTensorsWriter(path("x.safetensors"), {{"__metadata__", Dtype::U8, {1}}}), Error);
    EXPECT_THROW(SafeTensorsWriter(path("x.safetensors"), {{"a", Dtype::U8, {2, -1}}}), Error);
    EXPECT_THROW(SafeTensorsWriter(path("x.safetensors"), {{"a", Dtype::F4, {3}}}), Error);
    EXPECT_THROW(SafeTensorsWriter(path("x.safetensors"), {{"a", Dtype::U64, {INT64_MAX, 4}}}), Error);
    EXPECT_THROW(SafeTensorsWriter(path("x.safetensors"), {{"\xff", Dtype::U8, {1}}}), Error);
    EXPECT_THROW(writeSafeTensorsFile(path("x.safetensors"), {{{"a", Dtype::U8, {2}}, {1}}}), Error);
    EXPECT_TRUE(directoryEntries(dir()).empty());
    try {
        SafeTensorsWriter writer(path("no/such/dir/x.safetensors"), {});
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(e.message().find("cannot write " + path("no/such/dir/x.safetensors")), std::string::npos)
            << e.message();
    }
}

TEST_F(SafeTensorsWriterTest, PlanGivesSizesWithoutWriting)
{
    const SafeTensorsPlan plan = planSafeTensorsFile(path("p.safetensors"), {{"attn.0", Dtype::F32, {1, 2, 3}}}, {});
    EXPECT_EQ(plan.headerBytes, R"({"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}})");
    EXPECT_EQ(plan.header.headerSize, 64u);
    EXPECT_EQ(plan.header.dataOffset, 72u);
    EXPECT_EQ(plan.header.fileSize, 96u);
    EXPECT_TRUE(directoryEntries(dir()).empty());
}

// The process may run with SIGXFSZ ignored and a file size limit: write() then fails with EFBIG.
TEST_F(SafeTensorsWriterTest, FileSizeLimitFailsWithAClearError)
{
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved;
    limited.rlim_cur = 1u << 20;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);

    const std::string file = path("big.safetensors");
    std::string message;
    try {
        SafeTensorsWriter writer(file, {{"w", Dtype::U8, {8 << 20}}});
        const std::vector<std::uint8_t> chunk(1 << 20, 7);
        for (int i = 0; i < 8; ++i) {
            writer.append(chunk.data(), chunk.size());
        }
        writer.finish();
    } catch (const Error& e) {
        message = e.message();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);

    EXPECT_NE(message.find("cannot write " + file), std::string::npos) << message;
    EXPECT_NE(message.find("could not be written"), std::string::npos) << message;
    EXPECT_TRUE(directoryEntries(dir()).empty()) << "the partial file is removed";
}

#ifdef DEEPEXT_FAULT_HOOKS
TEST_F(SafeTensorsWriterTest, FullDiskFailsWithAClearError)
{
    ::setenv("DEEPEXT_FAULT_DISK_FULL_AFTER", "100000", 1);
    const std::string file = path("full.safetensors");
    std::string message;
    try {
        writeSafeTensorsFile(file, {{{"w", Dtype::U8, {300000}}, std::vector<std::uint8_t>(300000, 1)}});
    } catch (const Error& e) {
        message = e.message();
    }
    ::unsetenv("DEEPEXT_FAULT_DISK_FULL_AFTER");
    EXPECT_NE(message.find("cannot write " + file + ": the disk is full"), std::string::npos) << message;
    EXPECT_TRUE(directoryEntries(dir()).empty());
}
#endif

} // namespace
} // namespace deepext
