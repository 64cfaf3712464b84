#include "deepext/merge/ModelCheckpoint.h"

#include "deepext/base/Error.h"
#include "deepext/merge/SafeTensorsWriter.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace deepext {
namespace {

namespace fs = std::filesystem;

const std::string kGolden = std::string(DEEPEXT_TEST_DATA_DIR) + "/golden";

class ModelCheckpointTest : public ::testing::Test
{
protected:
    std::string dir() const { return m_dir.path().toStdString(); }
    std::string path(const std::string& name) const { return dir() + "/" + name; }

    // A shard holding F16 tensors of 4 elements each.
    void shard(const std::string& name, const std::vector<std::string>& tensors)
    {
        std::vector<TensorBlob> blobs;
        for (const std::string& tensor : tensors) {
            blobs.push_back({{tensor, Dtype::F16, {4}}, std::vector<std::uint8_t>(8, 0)});
        }
        writeSafeTensorsFile(path(name), blobs);
    }

    void text(const std::string& name, const std::string& content)
    {
        std::ofstream out(path(name), std::ios::binary);
        out << content;
    }

    void index(const std::map<std::string, std::string>& weightMap)
    {
        nlohmann::json json;
        json["metadata"]["total_size"] = 0;
        json["weight_map"] = weightMap;
        text("model.safetensors.index.json", json.dump(2));
    }

    void expectScanError(const std::vector<std::string>& fragments)
    {
        try {
            ModelCheckpoint::scan(dir());
            ADD_FAILURE() << "scan succeeded";
        } catch (const Error& e) {
            for (const std::string& fragment : fragments) {
                EXPECT_NE(e.message().find(fragment), std::string::npos) << e.message() << "\nmissing: " << fragment;
            }
        }
    }

    QTemporaryDir m_dir;
};

TEST_F(ModelCheckpointTest, ScansGoldenSingleFileModel)
{
    const std::string directory = kGolden + "/llama_bf16_qv/base";
    const ModelCheckpoint checkpoint = ModelCheckpoint::scan(directory);
    EXPECT_EQ(checkpoint.directory, directory);
    EXPECT_FALSE(checkpoint.isSharded());
    EXPECT_TRUE(checkpoint.indexFile.empty());
    ASSERT_EQ(checkpoint.shards.size(), 1u);
    EXPECT_EQ(checkpoint.shards[0].path, directory + "/model.safetensors");
    EXPECT_EQ(checkpoint.shardOfTensor.size(), checkpoint.shards[0].tensors.size());
    const TensorInfo* q = checkpoint.find("model.layers.0.self_attn.q_proj.weight");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->shape, (std::vector<std::int64_t>{64, 64}));
    EXPECT_EQ(checkpoint.find("nope"), nullptr);
    EXPECT_EQ(checkpoint.dominantDtype(), Dtype::BF16);
    EXPECT_EQ(checkpoint.tensorBytes(), checkpoint.shards[0].fileSize - checkpoint.shards[0].dataOffset);
    EXPECT_EQ(checkpoint.parameterCount() * 2, checkpoint.tensorBytes());
}

TEST_F(ModelCheckpointTest, ScansGoldenShardedModelAgainstItsIndex)
{
    const std::string directory = kGolden + "/llama_fp16_all_rslora_sharded/base";
    const ModelCheckpoint checkpoint = ModelCheckpoint::scan(directory);
    EXPECT_TRUE(checkpoint.isSharded());
    EXPECT_EQ(checkpoint.indexFile, directory + "/model.safetensors.index.json");
    ASSERT_EQ(checkpoint.shards.size(), 3u);
    EXPECT_EQ(checkpoint.shards[0].path, directory + "/model-00001-of-00003.safetensors");
    EXPECT_EQ(checkpoint.shards[2].path, directory + "/model-00003-of-00003.safetensors");

    std::ifstream in(checkpoint.indexFile);
    const nlohmann::json index = nlohmann::json::parse(in);
    EXPECT_EQ(checkpoint.shardOfTensor.size(), index["weight_map"].size());
    for (const auto& [tensor, file] : index["weight_map"].items()) {
        ASSERT_TRUE(checkpoint.shardOfTensor.contains(tensor)) << tensor;
        EXPECT_EQ(fs::path(checkpoint.shards[checkpoint.shardOfTensor.at(tensor)].path).filename().string(),
                  file.get<std::string>());
        EXPECT_NE(checkpoint.find(tensor), nullptr);
    }
    EXPECT_EQ(checkpoint.tensorBytes(), index["metadata"]["total_size"].get<std::uint64_t>());
    EXPECT_EQ(checkpoint.dominantDtype(), Dtype::F16);
}

TEST_F(ModelCheckpointTest, ScansEveryGoldenBase)
{
    for (const auto& entry : fs::directory_iterator(kGolden)) {
        SCOPED_TRACE(entry.path().string());
        const ModelCheckpoint checkpoint = ModelCheckpoint::scan((entry.path() / "base").string());
        EXPECT_GT(checkpoint.parameterCount(), 0u);
    }
}

TEST_F(ModelCheckpointTest, RefusesAnIndexNamingAMissingShard)
{
    shard("model-00001-of-00002.safetensors", {"a"});
    index({{"a", "model-00001-of-00002.safetensors"}, {"b", "model-00002-of-00002.safetensors"}});
    expectScanError({"model-00002-of-00002.safetensors", "is missing", "model.safetensors.index.json"});
}

TEST_F(ModelCheckpointTest, RefusesAnIndexListingATensorItsShardLacks)
{
    shard("model-00001-of-00002.safetensors", {"a"});
    shard("model-00002-of-00002.safetensors", {"b", "c"});
    index({{"a", "model-00001-of-00002.safetensors"},
           {"b", "model-00001-of-00002.safetensors"}, // b is really in shard 2
           {"c", "model-00002-of-00002.safetensors"}});
    expectScanError({"\"b\"", "model-00001-of-00002.safetensors", "does not contain it",
                     "it is in " + path("model-00002-of-00002.safetensors")});
}

TEST_F(ModelCheckpointTest, RefusesAnIndexedTensorNoShardHas)
{
    shard("model-00001-of-00001.safetensors", {"a"});
    index({{"a", "model-00001-of-00001.safetensors"}, {"ghost", "model-00001-of-00001.safetensors"}});
    expectScanError({"\"ghost\"", "no shard does"});
}

TEST_F(ModelCheckpointTest, RefusesATensorInTwoShards)
{
    shard("model-00001-of-00002.safetensors", {"a", "dup"});
    shard("model-00002-of-00002.safetensors", {"b", "dup"});
    index({{"a", "model-00001-of-00002.safetensors"},
           {"b", "model-00002-of-00002.safetensors"},
           {"dup", "model-00001-of-00002.safetensors"}});
    expectScanError({"\"dup\"", "two shards", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"});
}

TEST_F(ModelCheckpointTest, RefusesAShardTensorTheIndexDoesNotList)
{
    shard("model-00001-of-00001.safetensors", {"a", "extra"});
    index({{"a", "model-00001-of-00001.safetensors"}});
    expectScanError({"\"extra\"", "does not list"});
}

TEST_F(ModelCheckpointTest, RefusesMalformedIndexes)
{
    shard("model-00001-of-00001.safetensors", {"a"});
    text("model.safetensors.index.json", "{not json");
    expectScanError({"model.safetensors.index.json", "not valid JSON"});
    text("model.safetensors.index.json", R"({"metadata":{}})");
    expectScanError({"weight_map"});
    text("model.safetensors.index.json", R"({"weight_map":{"a":1}})");
    expectScanError({"\"a\"", "not a file name"});
    text("model.safetensors.index.json", R"({"weight_map":{"a":"../model-00001-of-00001.safetensors"}})");
    expectScanError({"not a shard file name"});
    text("model.safetensors.index.json", R"({"weight_map":{}})");
    expectScanError({"empty"});
}

TEST_F(ModelCheckpointTest, NamesTheShardWhoseHeaderIsInvalid)
{
    text("model.safetensors", std::string("\x02\0\0\0\0\0\0\0{}x", 11));
    expectScanError({path("model.safetensors"), "invalid safetensors file"});
}

TEST_F(ModelCheckpointTest, PicklesOnlyAskForConversion)
{
    text("pytorch_model.bin", "not really a pickle");
    text("config.json", "{}");
    expectScanError({"no safetensors weights in " + dir(), "pytorch_model.bin", "safetensors is required", "convert"});
}

TEST_F(ModelCheckpointTest, EmptyFolderHasNoWeights)
{
    text("config.json", "{}");
    expectScanError({"no safetensors weights in " + dir(), "pytorch_model.bin"});
}

TEST_F(ModelCheckpointTest, AdapterFolderIsNotABaseModel)
{
    shard("adapter_model.safetensors", {"base_model.model.x.lora_A.weight"});
    text("adapter_config.json", "{}");
    expectScanError({"no safetensors weights in " + dir(), "PEFT adapter"});
}

TEST_F(ModelCheckpointTest, MissingFolder)
{
    try {
        ModelCheckpoint::scan(path("absent"));
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_NE(e.message().find(path("absent") + " does not exist"), std::string::npos) << e.message();
    }
}

TEST_F(ModelCheckpointTest, FallsBackToTheSafetensorsFilesPresent)
{
    shard("model.fp16.safetensors", {"a", "b"});
    text(".hidden.safetensors", "ignored");
    ModelCheckpoint checkpoint = ModelCheckpoint::scan(dir());
    EXPECT_FALSE(checkpoint.isSharded());
    ASSERT_EQ(checkpoint.shards.size(), 1u);
    EXPECT_NE(checkpoint.find("b"), nullptr);

    shard("more.safetensors", {"c"});
    checkpoint = ModelCheckpoint::scan(dir());
    ASSERT_EQ(checkpoint.shards.size(), 2u);
    EXPECT_EQ(checkpoint.shardOfTensor.at("a"), 0u); // file-name order: model.fp16 < more
    EXPECT_EQ(checkpoint.shardOfTensor.at("c"), 1u);

    shard("z.safetensors", {"a"});
    expectScanError({"\"a\"", "two shards"});
}

TEST_F(ModelCheckpointTest, SingleFileWinsOverAnIndexAsInTransformers)
{
    shard("model.safetensors", {"single"});
    shard("model-00001-of-00001.safetensors", {"indexed"});
    index({{"indexed", "model-00001-of-00001.safetensors"}});
    const ModelCheckpoint checkpoint = ModelCheckpoint::scan(dir());
    EXPECT_FALSE(checkpoint.isSharded());
    EXPECT_NE(checkpoint.find("single"), nullptr);
    EXPECT_EQ(checkpoint.find("indexed"), nullptr);
}

TEST_F(ModelCheckpointTest, DominantDtypeCountsBytes)
{
    writeSafeTensorsFile(path("model.safetensors"), {{{"big", Dtype::BF16, {100}}, std::vector<std::uint8_t>(200)},
                                                     {{"s1", Dtype::F32, {20}}, std::vector<std::uint8_t>(80)},
                                                     {{"s2", Dtype::F32, {20}}, std::vector<std::uint8_t>(80)}});
    const ModelCheckpoint checkpoint = ModelCheckpoint::scan(dir());
    EXPECT_EQ(checkpoint.dominantDtype(), Dtype::BF16);
    EXPECT_EQ(checkpoint.parameterCount(), 140u);
    EXPECT_EQ(checkpoint.tensorBytes(), 360u);
}

} // namespace
} // namespace deepext
