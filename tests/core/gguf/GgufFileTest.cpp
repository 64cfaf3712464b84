// The GGUF writer and the strict reader: bytes on disk against a hand-built encoding, round trips of every value
// type, alignment and offsets, and every refusal.
#include "GgufTestSupport.h"
#include "deepext/base/Error.h"
#include "deepext/gguf/GgufReader.h"
#include "deepext/gguf/GgufWriter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

using namespace deepext::gguf;
using deepext::test::Bytes;
using deepext::test::GgufTempDir;
using deepext::test::readBytes;
using deepext::test::writeBytes;
using ::testing::HasSubstr;

namespace {

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const deepext::Error& error) {
        return error.message();
    }
    return "(no error)";
}

// Writes `tensors` whose data are the bytes 0, 1, 2, ... of each tensor's size.
std::string writeFile(const std::string& path, const GgufMetadata& metadata, const std::vector<GgufTensorInfo>& tensors)
{
    GgufWriter writer(path, metadata, tensors);
    for (const GgufTensorInfo& tensor : writer.plan().tensors) {
        std::vector<std::uint8_t> bytes(tensor.byteSize());
        std::iota(bytes.begin(), bytes.end(), static_cast<std::uint8_t>(tensor.offset));
        writer.append(bytes.data(), bytes.size());
    }
    return writer.finish();
}

GgufTensorInfo tensor(std::string name, GgmlType type, std::vector<std::uint64_t> ne)
{
    GgufTensorInfo info;
    info.name = std::move(name);
    info.type = type;
    info.ne = std::move(ne);
    return info;
}

TEST(GgufWriter, BytesOnDisk_MatchAHandBuiltEncoding)
{
    GgufTempDir dir;
    GgufMetadata metadata;
    metadata.set("general.architecture", GgufValue::string("llama"));
    metadata.set("llama.block_count", GgufValue::uint32(2));
    metadata.set("llama.rope.freq_base", GgufValue::float32(10000.0f));
    metadata.set("tokenizer.ggml.tokens", GgufValue::stringArray({"a", "<s>"}));
    const std::string path = dir.file("m.gguf");
    writeFile(path, metadata, {tensor("a", GgmlType::F32, {3}), tensor("blk.0.attn_q.weight", GgmlType::F16, {2, 2})});

    Bytes expected;
    expected.raw("GGUF").u32(3).u64(2).u64(4);
    expected.str("general.architecture").u32(8).str("llama");
    expected.str("llama.block_count").u32(4).u32(2);
    expected.str("llama.rope.freq_base").u32(6).f32(10000.0f);
    expected.str("tokenizer.ggml.tokens").u32(9).u32(8).u64(2).str("a").str("<s>");
    expected.str("a").u32(1).u64(3).u32(0).u64(0);
    expected.str("blk.0.attn_q.weight").u32(2).u64(2).u64(2).u32(1).u64(32); // 12 bytes padded to 32
    expected.padTo(32);
    for (int i = 0; i < 12; ++i) {
        expected.le(static_cast<std::uint64_t>(i), 1);
    }
    expected.padTo(32);
    for (int i = 0; i < 8; ++i) {
        expected.le(static_cast<std::uint64_t>(32 + i), 1);
    }
    expected.padTo(32);
    EXPECT_EQ(readBytes(path), expected.data);
}

TEST(GgufWriter, RoundTrip_EveryValueTypeAndTensorType)
{
    GgufTempDir dir;
    GgufMetadata metadata;
    metadata.set("general.architecture", GgufValue::string("qwen3"));
    metadata.set("u8", GgufValue::uint8(250));
    metadata.set("i8", GgufValue::int8(-120));
    metadata.set("u16", GgufValue::uint16(65000));
    metadata.set("i16", GgufValue::int16(-32000));
    metadata.set("u32", GgufValue::uint32(4000000000u));
    metadata.set("i32", GgufValue::int32(-2000000000));
    metadata.set("f32", GgufValue::float32(-1.5e-7f));
    metadata.set("bool.true", GgufValue::boolean(true));
    metadata.set("bool.false", GgufValue::boolean(false));
    metadata.set("string", GgufValue::string("Grüße, 世界 \xF0\x9F\x98\x80"));
    metadata.set("empty.string", GgufValue::string(""));
    metadata.set("u64", GgufValue::uint64(18000000000000000000ull));
    metadata.set("i64", GgufValue::int64(-9000000000000000000ll));
    metadata.set("f64", GgufValue::float64(3.141592653589793));
    metadata.set("array.string", GgufValue::stringArray({"Ġthe", "", "<|im_end|>"}));
    metadata.set("array.i32", GgufValue::int32Array({1, -2, 3}));
    metadata.set("array.u32", GgufValue::uint32Array({7}));
    metadata.set("array.f32", GgufValue::float32Array({-1000.0f, 0.25f}));
    metadata.set("array.empty", GgufValue::int32Array({}));
    metadata.set("array.bool", GgufValue::array(GgufValueType::Bool, {true, false}));
    metadata.set("array.u8", GgufValue::array(GgufValueType::UInt8, {std::uint8_t{1}, std::uint8_t{255}}));
    metadata.set("array.f64", GgufValue::array(GgufValueType::Float64, {0.5, -2.0}));
    metadata.set("array.i64", GgufValue::array(GgufValueType::Int64, {std::int64_t{-5}}));
    const std::vector<GgufTensorInfo> tensors = {tensor("token_embd.weight", GgmlType::Q8_0, {64, 3}),
                                                 tensor("output_norm.weight", GgmlType::F32, {5}),
                                                 tensor("blk.0.ffn_up.weight", GgmlType::BF16, {7, 3}),
                                                 tensor("rope_freqs.weight", GgmlType::F16, {1, 1, 1, 9})};
    const std::string path = dir.file("all.gguf");
    const std::string sha = writeFile(path, metadata, tensors);

    const GgufReader reader = GgufReader::open(path);
    EXPECT_EQ(reader.version(), 3u);
    EXPECT_EQ(reader.alignment(), 32u);
    ASSERT_EQ(reader.metadata().entries().size(), metadata.entries().size());
    for (std::size_t i = 0; i < metadata.entries().size(); ++i) {
        EXPECT_EQ(reader.metadata().entries()[i].key, metadata.entries()[i].key);
        EXPECT_TRUE(reader.metadata().entries()[i].value == metadata.entries()[i].value) << metadata.entries()[i].key;
    }
    ASSERT_EQ(reader.tensors().size(), tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const GgufTensorInfo& read = reader.tensors()[i];
        EXPECT_EQ(read.name, tensors[i].name);
        EXPECT_EQ(read.type, tensors[i].type);
        EXPECT_EQ(read.ne, tensors[i].ne);
        const std::vector<std::uint8_t> bytes = reader.readTensorBytes(read);
        ASSERT_EQ(bytes.size(), read.byteSize());
        for (std::size_t k = 0; k < bytes.size(); ++k) {
            ASSERT_EQ(bytes[k], static_cast<std::uint8_t>(read.offset + k)) << read.name << " byte " << k;
        }
    }
    EXPECT_EQ(reader.fileSize(), readBytes(path).size());
    EXPECT_EQ(sha.size(), 64u);
}

TEST(GgufWriter, Offsets_AreRunningSumsOfPaddedSizes)
{
    GgufTempDir dir;
    GgufMetadata metadata;
    metadata.set("general.architecture", GgufValue::string("llama"));
    // Sizes 12, 64, 34 * 2 = 68, 2: with alignment 32 the offsets are 0, 32, 96, 192.
    const std::vector<GgufTensorInfo> tensors = {tensor("a", GgmlType::F32, {3}), tensor("b", GgmlType::F16, {32}),
                                                 tensor("c", GgmlType::Q8_0, {32, 2}),
                                                 tensor("d", GgmlType::BF16, {1})};
    const GgufFilePlan plan = planGgufFile("x.gguf", metadata, tensors);
    std::vector<std::uint64_t> offsets;
    for (const GgufTensorInfo& info : plan.tensors) {
        offsets.push_back(info.offset);
    }
    EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 32, 96, 192}));
    EXPECT_EQ(plan.dataOffset % 32, 0u);
    EXPECT_EQ(plan.dataOffset, plan.headerBytes.size());
    EXPECT_EQ(plan.fileSize, plan.dataOffset + 224);
    EXPECT_EQ(plan.alignment, 32u);
    EXPECT_FALSE(metadata.contains("general.alignment")); // the default is not written
}

TEST(GgufWriter, NonDefaultAlignment_IsHonouredAndReadBack)
{
    GgufTempDir dir;
    GgufMetadata metadata;
    metadata.set("general.architecture", GgufValue::string("llama"));
    metadata.set("general.alignment", GgufValue::uint32(256));
    const std::string path = dir.file("a256.gguf");
    writeFile(path, metadata, {tensor("a", GgmlType::F32, {3}), tensor("b", GgmlType::F32, {70})});
    const GgufReader reader = GgufReader::open(path);
    EXPECT_EQ(reader.alignment(), 256u);
    EXPECT_EQ(reader.dataOffset() % 256, 0u);
    EXPECT_EQ(reader.tensors()[1].offset, 256u);
    EXPECT_EQ(reader.fileSize(), reader.dataOffset() + 256 + 512);

    GgufMetadata bad = metadata;
    bad.set("general.alignment", GgufValue::uint32(48));
    EXPECT_THAT(errorOf([&] { planGgufFile("x.gguf", bad, {}); }), HasSubstr("not a power of two"));
    bad.set("general.alignment", GgufValue::int32(64));
    EXPECT_THAT(errorOf([&] { planGgufFile("x.gguf", bad, {}); }), HasSubstr("must be a UINT32"));
}

TEST(GgufWriter, Refusals_NameTheRule)
{
    GgufMetadata metadata;
    EXPECT_THAT(errorOf([&] { planGgufFile("x.gguf", metadata, {tensor(std::string(64, 'n'), GgmlType::F32, {1})}); }),
                HasSubstr("1 to 63 bytes"));
    EXPECT_NO_THROW(planGgufFile("x.gguf", metadata, {tensor(std::string(63, 'n'), GgmlType::F32, {1})}));
    EXPECT_THAT(
        errorOf([&] {
            planGgufFile("x.gguf", metadata, {tensor("t", GgmlType::F32, {1}), tensor("t", GgmlType::F32, {1})});
        }),
        HasSubstr("\"t\" is listed twice"));
    EXPECT_THAT(errorOf([&] {
                    planGgufFile("x.gguf", metadata, {tensor("t", GgmlType::F32, {1, 1, 1, 1, 1})});
                }),
                HasSubstr("1 to 4"));
    EXPECT_THAT(errorOf([&] {
                    planGgufFile("x.gguf", metadata, {tensor("t", GgmlType::Q8_0, {31, 2})});
                }),
                HasSubstr("not a multiple of the 32-value blocks of Q8_0"));
    GgufMetadata badString;
    badString.set("general.name", GgufValue::string("\xC3\x28"));
    EXPECT_THAT(errorOf([&] { planGgufFile("x.gguf", badString, {}); }), HasSubstr("not valid UTF-8"));
    GgufMetadata mixed;
    mixed.set("array", GgufValue::array(GgufValueType::Int32, {std::uint8_t{1}}));
    EXPECT_THAT(errorOf([&] { planGgufFile("x.gguf", mixed, {}); }), HasSubstr("does not hold a INT32"));
}

TEST(GgufWriter, AnExistingFileIsNotOverwritten_AndAnUnfinishedWriterLeavesNothing)
{
    GgufTempDir dir;
    const std::string path = dir.file("m.gguf");
    writeBytes(path, "keep me");
    GgufMetadata metadata;
    EXPECT_THAT(errorOf([&] { GgufWriter writer(path, metadata, {}); }), HasSubstr("File exists"));
    EXPECT_EQ(readBytes(path), "keep me");

    const std::string other = dir.file("n.gguf");
    {
        GgufWriter writer(other, metadata, {tensor("t", GgmlType::F32, {4})});
        const float values[2] = {1.0f, 2.0f};
        writer.append(values, sizeof values);
        EXPECT_THAT(errorOf([&] { writer.finish(); }), HasSubstr("were written"));
    }
    EXPECT_FALSE(std::filesystem::exists(other));
}

TEST(GgufWriter, DiskFull_ThrowsNamingTheFileAndRemovesIt)
{
    GgufTempDir dir;
    const std::string path = dir.file("full.gguf");
    ::setenv("DEEPEXT_FAULT_DISK_FULL_AFTER", "100", 1);
    std::string message;
    {
        GgufMetadata metadata;
        GgufWriter writer(path, metadata, {tensor("t", GgmlType::F32, {1u << 20})});
        std::vector<float> values(1u << 20, 1.0f);
        message = errorOf([&] {
            writer.append(values.data(), values.size() * 4);
            writer.finish();
        });
    }
    ::unsetenv("DEEPEXT_FAULT_DISK_FULL_AFTER");
    EXPECT_THAT(message, HasSubstr("the disk is full"));
    EXPECT_THAT(message, HasSubstr(path));
    EXPECT_TRUE(dir.entries().empty());
}

// A small valid file, built by hand, for the reader's refusals.
Bytes validFile()
{
    Bytes file;
    file.raw("GGUF").u32(3).u64(2).u64(1);
    file.str("general.architecture").u32(8).str("llama");
    file.str("blk.0.attn_norm.weight").u32(1).u64(3).u32(0).u64(0);
    file.str("blk.0.attn_q.weight").u32(2).u64(2).u64(2).u32(0).u64(32);
    file.padTo(32).zeros(12).padTo(32).zeros(16).padTo(32);
    return file;
}

std::string readError(const std::string& bytes)
{
    return errorOf([&] {
        GgufReader::parse("f.gguf", reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), bytes.size());
    });
}

TEST(GgufReader, AValidHandBuiltFileParses)
{
    const std::string bytes = validFile().data;
    const GgufReader reader =
        GgufReader::parse("f.gguf", reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), bytes.size());
    ASSERT_EQ(reader.tensors().size(), 2u);
    EXPECT_EQ(reader.tensors()[1].ne, (std::vector<std::uint64_t>{2, 2}));
    EXPECT_EQ(reader.metadata().find("general.architecture")->asString(), "llama");
}

TEST(GgufReader, EveryTruncation_IsDetected)
{
    const std::string bytes = validFile().data;
    for (std::size_t length = 0; length < bytes.size(); ++length) {
        const std::string message = readError(bytes.substr(0, length));
        EXPECT_THAT(message, HasSubstr("invalid GGUF file f.gguf")) << "length " << length;
    }
    GgufTempDir dir;
    writeBytes(dir.file("cut.gguf"), bytes.substr(0, bytes.size() - 1));
    EXPECT_THAT(errorOf([&] { GgufReader::open(dir.file("cut.gguf")); }), HasSubstr("truncated"));
    EXPECT_THAT(readError(bytes + "x"), HasSubstr("1 unexpected bytes follow the last tensor"));
}

TEST(GgufReader, Refusals_NameTheFileAndTheRule)
{
    Bytes wrongOffset;
    wrongOffset.raw("GGUF").u32(3).u64(2).u64(0);
    wrongOffset.str("blk.0.attn_norm.weight").u32(1).u64(3).u32(0).u64(0);
    wrongOffset.str("blk.0.attn_q.weight").u32(1).u64(4).u32(0).u64(16);
    wrongOffset.padTo(32).zeros(64);
    EXPECT_EQ(readError(wrongOffset.data),
              "invalid GGUF file f.gguf: tensor 'blk.0.attn_q.weight' has offset 16, expected 32");

    std::string bytes = validFile().data;
    EXPECT_THAT(readError("GGML" + bytes.substr(4)), HasSubstr("magic"));
    Bytes v2;
    v2.raw("GGUF").u32(2).u64(0).u64(0);
    EXPECT_THAT(readError(v2.data), HasSubstr("version 2; only GGUF version 3"));
    Bytes counts;
    counts.raw("GGUF").u32(3).u64(1u << 30).u64(0);
    EXPECT_THAT(readError(counts.data), HasSubstr("more than its 24 bytes can hold"));

    Bytes duplicate;
    duplicate.raw("GGUF").u32(3).u64(0).u64(2);
    duplicate.str("k").u32(4).u32(1).str("k").u32(4).u32(2).padTo(32);
    EXPECT_THAT(readError(duplicate.data), HasSubstr("duplicate metadata key \"k\""));
    Bytes emptyKey;
    emptyKey.raw("GGUF").u32(3).u64(0).u64(1).str("").u32(4).u32(1).padTo(32);
    EXPECT_THAT(readError(emptyKey.data), HasSubstr("empty key"));
    Bytes badUtf8;
    badUtf8.raw("GGUF").u32(3).u64(0).u64(1).str("k").u32(8).str("\xFF").padTo(32);
    EXPECT_THAT(readError(badUtf8.data), HasSubstr("not valid UTF-8"));
    Bytes badType;
    badType.raw("GGUF").u32(3).u64(0).u64(1).str("k").u32(13).u32(0).padTo(32);
    EXPECT_THAT(readError(badType.data), HasSubstr("unknown value type 13"));
    Bytes nested;
    nested.raw("GGUF").u32(3).u64(0).u64(1).str("k").u32(9).u32(9).u64(0).padTo(32);
    EXPECT_THAT(readError(nested.data), HasSubstr("array of arrays"));
    Bytes hugeArray;
    hugeArray.raw("GGUF").u32(3).u64(0).u64(1).str("k").u32(9).u32(5).u64(1ull << 40).padTo(32);
    EXPECT_THAT(readError(hugeArray.data), HasSubstr("claims 1099511627776 elements"));
    Bytes badBool;
    badBool.raw("GGUF").u32(3).u64(0).u64(1).str("k").u32(7).le(2, 1).padTo(32);
    EXPECT_THAT(readError(badBool.data), HasSubstr("not 0 or 1"));
    Bytes badAlignment;
    badAlignment.raw("GGUF").u32(3).u64(0).u64(1).str("general.alignment").u32(4).u32(24).padTo(32);
    EXPECT_THAT(readError(badAlignment.data), HasSubstr("not a power of two"));

    const auto oneTensor = [](const std::string& name, std::uint32_t dims, std::uint64_t ne0, std::uint32_t type) {
        Bytes file;
        file.raw("GGUF").u32(3).u64(1).u64(0).str(name).u32(dims);
        for (std::uint32_t d = 0; d < dims; ++d) {
            file.u64(d == 0 ? ne0 : 1);
        }
        file.u32(type).u64(0).padTo(32).zeros(128);
        return file.data;
    };
    EXPECT_THAT(readError(oneTensor(std::string(64, 'x'), 1, 4, 0)), HasSubstr("names have 1 to 63 bytes"));
    EXPECT_THAT(readError(oneTensor("t", 5, 4, 0)), HasSubstr("has 5 dimensions"));
    EXPECT_THAT(readError(oneTensor("t", 1, 4, 2)), HasSubstr("has ggml type 2"));
    EXPECT_THAT(readError(oneTensor("t", 1, 40, 8)), HasSubstr("not a multiple of the 32-value blocks of Q8_0"));
    Bytes twice;
    twice.raw("GGUF").u32(3).u64(2).u64(0);
    twice.str("t").u32(1).u64(1).u32(0).u64(0).str("t").u32(1).u64(1).u32(0).u64(32).padTo(32).zeros(64);
    EXPECT_THAT(readError(twice.data), HasSubstr("duplicate tensor name 't'"));
    Bytes overflow;
    overflow.raw("GGUF").u32(3).u64(1).u64(0).str("t").u32(2).u64(1ull << 40).u64(1ull << 40).u32(0).u64(0);
    EXPECT_THAT(readError(overflow.data), HasSubstr("more elements than fit in int64"));
}

TEST(GgufReader, ReadsBackFloatsOfEveryType)
{
    GgufTempDir dir;
    const std::string path = dir.file("v.gguf");
    GgufMetadata metadata;
    {
        GgufWriter writer(path, metadata,
                          {tensor("f32", GgmlType::F32, {2}), tensor("f16", GgmlType::F16, {2}),
                           tensor("bf16", GgmlType::BF16, {2}), tensor("q8", GgmlType::Q8_0, {32})});
        const float f32[2] = {1.5f, -0.25f};
        writer.append(f32, sizeof f32);
        const std::uint16_t f16[2] = {0x3c00, 0xc000}; // 1, -2
        writer.append(f16, sizeof f16);
        const std::uint16_t bf16[2] = {0x4040, 0xbf80}; // 3, -1
        writer.append(bf16, sizeof bf16);
        std::uint8_t q8[34] = {0x00, 0x38}; // scale 0.5
        for (int k = 0; k < 32; ++k) {
            q8[2 + k] = static_cast<std::uint8_t>(static_cast<std::int8_t>(k - 16));
        }
        writer.append(q8, sizeof q8);
        writer.finish();
    }
    const GgufReader reader = GgufReader::open(path);
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("f32")), (std::vector<float>{1.5f, -0.25f}));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("f16")), (std::vector<float>{1.0f, -2.0f}));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("bf16")), (std::vector<float>{3.0f, -1.0f}));
    const std::vector<float> q8 = reader.readTensorFloats(*reader.findTensor("q8"));
    ASSERT_EQ(q8.size(), 32u);
    EXPECT_EQ(q8[0], -8.0f);
    EXPECT_EQ(q8[31], 7.5f);
}

} // namespace
