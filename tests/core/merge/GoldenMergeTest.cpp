// Every golden case (PEFT merge_and_unload + save_pretrained on the CPU) merged by LoraMerger and compared with
// expected/expected.safetensors tensor by tensor: same names, dtypes and shapes, values within 1 ulp, and the count
// of bit-identical tensors reported (the reference order reproduces PEFT exactly, so all are expected).
#include "MergeTestSupport.h"
#include "deepext/base/Error.h"
#include "deepext/base/Sha256.h"
#include "deepext/merge/LoraMerger.h"

#include <gtest/gtest.h>

#include <iostream>

namespace deepext::test {
namespace {

class GoldenMergeTest : public ::testing::TestWithParam<std::string>
{
};

TEST_P(GoldenMergeTest, MatchesPeft)
{
    const fs::path dir = goldenDir() / GetParam();
    const nlohmann::json caseJson = readJson(dir / "case.json");
    TempDir temp;
    MergeRequest request;
    request.baseDirectory = (dir / "base").string();
    request.adapterDirectory = (dir / "adapter").string();
    request.outputDirectory = temp.sub("out");
    std::atomic_bool cancel{false};
    MergeResult result;
    ASSERT_NO_THROW(result = LoraMerger::merge(request, {}, cancel));

    const auto expected = readTensors(dir / "expected" / "expected.safetensors");
    const auto actual = readTensors(request.outputDirectory);
    std::vector<std::string> expectedNames;
    std::vector<std::string> actualNames;
    for (const auto& entry : expected) {
        expectedNames.push_back(entry.first);
    }
    for (const auto& entry : actual) {
        actualNames.push_back(entry.first);
    }
    ASSERT_EQ(actualNames, expectedNames);

    int identical = 0;
    std::uint64_t worst = 0;
    for (const auto& [name, want] : expected) {
        const Tensor& got = actual.at(name);
        ASSERT_EQ(dtypeName(got.dtype), dtypeName(want.dtype)) << name;
        ASSERT_EQ(got.shape, want.shape) << name;
        ASSERT_EQ(got.bytes.size(), want.bytes.size()) << name;
        if (got.bytes == want.bytes) {
            ++identical;
            continue;
        }
        const std::size_t width = dtypeBits(want.dtype) / 8;
        std::uint64_t tensorWorst = 0;
        std::size_t differing = 0;
        for (std::size_t i = 0; i < want.bytes.size(); i += width) {
            const std::uint64_t d = ulpDistance(want.dtype, &got.bytes[i], &want.bytes[i]);
            tensorWorst = std::max(tensorWorst, d);
            differing += d != 0;
        }
        worst = std::max(worst, tensorWorst);
        EXPECT_LE(tensorWorst, 1u) << name << ": " << differing << " elements differ, worst by " << tensorWorst
                                   << " ulp";
    }
    std::cout << "[ golden   ] " << GetParam() << ": " << identical << "/" << expected.size()
              << " tensors bit-identical (worst " << worst << " ulp)\n";
    RecordProperty("bit_identical", identical);
    RecordProperty("tensors", static_cast<int>(expected.size()));
    EXPECT_EQ(identical, static_cast<int>(expected.size())) << "not every tensor is bit-identical to PEFT's";

    // The tensors the case says changed are exactly the ones the merge touched.
    EXPECT_EQ(result.tensorsMerged + result.tensorsReplaced, static_cast<int>(caseJson["changed"].size()));

    // config.json: values the merge must write.
    const nlohmann::json config = readJson(fs::path(request.outputDirectory) / "config.json");
    if (fs::exists(dir / "expected" / "expected_config.json")) {
        const nlohmann::json want = readJson(dir / "expected" / "expected_config.json");
        for (const auto& [key, value] : want.items()) {
            EXPECT_EQ(config.value(key, nlohmann::json()), value) << "config.json " << key;
        }
    } else {
        EXPECT_EQ(readText(fs::path(request.outputDirectory) / "config.json"), readText(dir / "base" / "config.json"))
            << "config.json must be copied unchanged";
    }

    // Files the adapter folder brings (tokenizer files) override the base's.
    for (const auto& name : caseJson["adapter_files"]) {
        EXPECT_EQ(readText(fs::path(request.outputDirectory) / name.get<std::string>()),
                  readText(dir / "adapter" / name.get<std::string>()))
            << name;
    }

    // The base's shard layout: same file names, same tensors per file, and the index when there is one.
    for (const auto& entry : fs::directory_iterator(dir / "base")) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() == ".safetensors" || name == "model.safetensors.index.json") {
            EXPECT_TRUE(fs::exists(fs::path(request.outputDirectory) / name)) << name;
        }
    }
    if (fs::exists(dir / "base" / "model.safetensors.index.json")) {
        const nlohmann::json base = readJson(dir / "base" / "model.safetensors.index.json");
        const nlohmann::json out = readJson(fs::path(request.outputDirectory) / "model.safetensors.index.json");
        EXPECT_EQ(out["weight_map"], base["weight_map"]);
        EXPECT_EQ(out["metadata"]["total_size"], base["metadata"]["total_size"]);
    }

    // The manifest lists every file written, sorted, with true sizes and hashes.
    std::vector<std::string> onDisk;
    for (const auto& entry : fs::recursive_directory_iterator(request.outputDirectory)) {
        if (entry.is_regular_file()) {
            onDisk.push_back(fs::relative(entry.path(), request.outputDirectory).generic_string());
        }
    }
    std::sort(onDisk.begin(), onDisk.end());
    std::vector<std::string> listed;
    for (const ManifestEntry& file : result.files) {
        listed.push_back(file.path);
        const fs::path path = fs::path(request.outputDirectory) / file.path;
        EXPECT_EQ(file.size, fs::file_size(path)) << file.path;
        EXPECT_EQ(file.sha256, Sha256::ofFile(path.string())) << file.path;
    }
    EXPECT_EQ(listed, onDisk);
    EXPECT_FALSE(fs::exists(fs::path(request.outputDirectory) / "model_card.json"));
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenMergeTest, ::testing::ValuesIn(goldenCases()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

TEST(GoldenCases, AllElevenArePresent)
{
    EXPECT_EQ(goldenCases().size(), 11u);
}

} // namespace
} // namespace deepext::test
