// The tiny models the judge runs: every preset writes a folder the merge layer reads as a checkpoint, with the
// tensors and shapes its family has, a config the reference computes from, and the same bytes every time.
#include "TinyModelFactory.h"

#include "ReferenceForward.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/merge/ModelCheckpoint.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using deepext::test::ReferenceForward;
using deepext::test::TinyModelFactory;

namespace {

// vocab_size of the model a tests/data/tokenizers folder was cut for (its config.json): the embedding rows.
int modelVocabSize(const std::string& tokenizerFolder)
{
    return nlohmann::json::parse(deepext::readWholeFile(tokenizerFolder + "/config.json")).at("vocab_size").get<int>();
}

class TinyModelFactoryTest : public ::testing::TestWithParam<std::string>
{
protected:
    QTemporaryDir m_dir;
};

} // namespace

TEST_P(TinyModelFactoryTest, FolderIsACheckpointWithTheFamilysTensors)
{
    const std::string preset = GetParam();
    const auto spec = TinyModelFactory::preset(preset);
    const int vocab = modelVocabSize(TinyModelFactory::tokenizerFolder(preset));
    const std::string dir = TinyModelFactory::write(spec, m_dir.path().toStdString() + "/model");

    const auto config = nlohmann::json::parse(deepext::readWholeFile(dir + "/config.json"));
    EXPECT_EQ(config.at("architectures")[0], spec.architecture);
    EXPECT_EQ(config.at("vocab_size").get<int>(), vocab);
    EXPECT_EQ(config.at("tie_word_embeddings").get<bool>(), spec.tiedEmbeddings);
    EXPECT_TRUE(std::filesystem::exists(dir + "/tokenizer.json"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/tokenizer_config.json"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/generation_config.json"));

    const auto checkpoint = deepext::ModelCheckpoint::scan(dir);
    const auto expected = TinyModelFactory::tensorSpecs(spec, vocab);
    ASSERT_EQ(checkpoint.shards.size(), 1u);
    EXPECT_EQ(checkpoint.shards[0].tensors.size(), expected.size());
    for (const auto& tensor : expected) {
        const deepext::TensorInfo* found = checkpoint.find(tensor.name);
        ASSERT_NE(found, nullptr) << tensor.name;
        EXPECT_EQ(found->shape, tensor.shape) << tensor.name;
        EXPECT_EQ(found->dtype, spec.dtype) << tensor.name;
    }
    EXPECT_EQ(checkpoint.find("lm_head.weight") == nullptr, spec.tiedEmbeddings);

    // The reference computes it: one finite logit per vocabulary entry, not all alike.
    const auto model = ReferenceForward::load(dir);
    const auto logits = model.nextTokenLogits({1, 40, 300, 7, 99, 12});
    ASSERT_EQ(logits.size(), static_cast<std::size_t>(vocab));
    float lowest = logits[0], highest = logits[0];
    for (const float logit : logits) {
        ASSERT_TRUE(std::isfinite(logit));
        lowest = std::min(lowest, logit);
        highest = std::max(highest, logit);
    }
    EXPECT_GT(highest - lowest, 1.0f);
}

TEST_P(TinyModelFactoryTest, SameSpecWritesTheSameBytes)
{
    const std::string preset = GetParam();
    const auto spec = TinyModelFactory::preset(preset);
    const std::string a = TinyModelFactory::write(spec, m_dir.path().toStdString() + "/a");
    const std::string b = TinyModelFactory::write(spec, m_dir.path().toStdString() + "/b");
    EXPECT_EQ(deepext::readWholeFile(a + "/model.safetensors"), deepext::readWholeFile(b + "/model.safetensors"));
    EXPECT_EQ(deepext::readWholeFile(a + "/config.json"), deepext::readWholeFile(b + "/config.json"));

    auto reseeded = spec;
    reseeded.seed += 1;
    const std::string c = TinyModelFactory::write(reseeded, m_dir.path().toStdString() + "/c");
    EXPECT_NE(deepext::readWholeFile(a + "/model.safetensors"), deepext::readWholeFile(c + "/model.safetensors"));
}

INSTANTIATE_TEST_SUITE_P(Presets, TinyModelFactoryTest, ::testing::ValuesIn(TinyModelFactory::presetNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });

// The traits each preset exists for reach config.json as transformers writes them, and each family gets its tiny
// real tokenizer with the ids and the (padded) vocabulary size of the model it was cut for.
TEST(TinyModelFactory, PresetsCarryTheirFamilyTraits)
{
    using deepext::test::ReferenceConfig;
    EXPECT_EQ(std::filesystem::path(TinyModelFactory::tokenizerFolder("llama")).filename(), "llama-spm");
    EXPECT_EQ(std::filesystem::path(TinyModelFactory::tokenizerFolder("mistral")).filename(), "llama-spm");
    EXPECT_EQ(std::filesystem::path(TinyModelFactory::tokenizerFolder("llama31")).filename(), "llama3-bpe");
    EXPECT_EQ(std::filesystem::path(TinyModelFactory::tokenizerFolder("qwen3")).filename(), "qwen2-bpe");
    EXPECT_EQ(std::filesystem::path(TinyModelFactory::tokenizerFolder("gemma2")).filename(), "gemma-spm");
    EXPECT_EQ(std::filesystem::path(TinyModelFactory::tokenizerFolder("phi3")).filename(), "phi3-spm");

    const auto llama31 = TinyModelFactory::configJson(TinyModelFactory::preset("llama31"));
    EXPECT_EQ(llama31.at("rope_scaling").at("rope_type"), "llama3");
    EXPECT_EQ(llama31.at("bos_token_id").get<int>(), 795);             // <|begin_of_text|>
    EXPECT_EQ(llama31.at("eos_token_id"), nlohmann::json({796, 799})); // Llama 3.1's list: end_of_text, eot_id
    EXPECT_EQ(llama31.at("vocab_size").get<int>(), 800);

    const auto qwen3json = TinyModelFactory::configJson(TinyModelFactory::preset("qwen3"));
    EXPECT_EQ(qwen3json.at("vocab_size").get<int>(), 896); // padded past the tokenizer's 761, as Qwen does
    const auto qwen3 = ReferenceConfig::fromJson(qwen3json);
    EXPECT_NE(qwen3.headDim, qwen3.hiddenSize / qwen3.heads);
    const auto qwen2 = ReferenceConfig::fromJson(TinyModelFactory::configJson(TinyModelFactory::preset("qwen2")));
    EXPECT_TRUE(qwen2.qkvBias);
    const auto gemma2json = TinyModelFactory::configJson(TinyModelFactory::preset("gemma2"));
    EXPECT_EQ(gemma2json.at("pad_token_id").get<int>(), 0);
    EXPECT_EQ(gemma2json.at("bos_token_id").get<int>(), 2);
    const auto gemma2 = ReferenceConfig::fromJson(gemma2json);
    EXPECT_NE(gemma2.headDim, gemma2.hiddenSize / gemma2.heads);
    EXPECT_DOUBLE_EQ(gemma2.queryScale, 1.0 / std::sqrt(gemma2.headDim)); // what llama.cpp uses too
    EXPECT_GT(gemma2.finalSoftcap, 0.0);
    EXPECT_EQ(gemma2.slidingWindow, 4);
    const auto phi3json = TinyModelFactory::configJson(TinyModelFactory::preset("phi3"));
    EXPECT_EQ(phi3json.at("vocab_size").get<int>(), 1064);
    EXPECT_EQ(phi3json.at("eos_token_id").get<int>(), 1000); // <|endoftext|>
    EXPECT_EQ(ReferenceConfig::fromJson(phi3json).rotaryDim, 12);

    // A vocab_size past the tokenizer's pads the embedding rows.
    auto padded = TinyModelFactory::preset("qwen2");
    padded.vocabSize = 1000;
    EXPECT_EQ(TinyModelFactory::configJson(padded).at("vocab_size").get<int>(), 1000);
    EXPECT_THROW(TinyModelFactory::preset("gpt2"), deepext::Error);
    EXPECT_THROW(TinyModelFactory::tokenizerFolder("gpt2"), deepext::Error);
}
