// The tiny models the judge runs: every preset writes a folder the merge layer reads as a checkpoint, with the
// tensors and shapes its family has, a config the reference computes from, and the same bytes every time.
#include "TinyModelFactory.h"

#include "PlaceholderTokenizer.h"
#include "ReferenceForward.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/merge/ModelCheckpoint.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using deepext::test::PlaceholderTokenizer;
using deepext::test::ReferenceForward;
using deepext::test::TinyModelFactory;

namespace {

class TinyModelFactoryTest : public ::testing::TestWithParam<std::string>
{
protected:
    std::string tokenizerFor(const std::string& preset)
    {
        const std::string dir = m_dir.path().toStdString() + "/tokenizer-" + preset;
        m_vocab = PlaceholderTokenizer::write(dir, PlaceholderTokenizer::styleFor(preset));
        return dir;
    }
    QTemporaryDir m_dir;
    int m_vocab = 0;
};

} // namespace

TEST_P(TinyModelFactoryTest, FolderIsACheckpointWithTheFamilysTensors)
{
    const std::string preset = GetParam();
    const auto spec = TinyModelFactory::preset(preset, tokenizerFor(preset));
    const std::string dir = TinyModelFactory::write(spec, m_dir.path().toStdString() + "/model");

    const auto config = nlohmann::json::parse(deepext::readWholeFile(dir + "/config.json"));
    EXPECT_EQ(config.at("architectures")[0], spec.architecture);
    EXPECT_EQ(config.at("vocab_size").get<int>(), m_vocab);
    EXPECT_EQ(config.at("tie_word_embeddings").get<bool>(), spec.tiedEmbeddings);
    EXPECT_TRUE(std::filesystem::exists(dir + "/tokenizer.json"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/tokenizer_config.json"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/generation_config.json"));

    const auto checkpoint = deepext::ModelCheckpoint::scan(dir);
    const auto expected = TinyModelFactory::tensorSpecs(spec, m_vocab);
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
    ASSERT_EQ(logits.size(), static_cast<std::size_t>(m_vocab));
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
    const auto spec = TinyModelFactory::preset(preset, tokenizerFor(preset));
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

// The traits each preset exists for reach config.json as transformers writes them.
TEST(TinyModelFactory, PresetsCarryTheirFamilyTraits)
{
    QTemporaryDir dir;
    const std::string llamaTokenizer = dir.path().toStdString() + "/llama3";
    const std::string qwenTokenizer = dir.path().toStdString() + "/qwen2";
    const int llamaVocab = PlaceholderTokenizer::write(llamaTokenizer, PlaceholderTokenizer::Style::Llama3);
    PlaceholderTokenizer::write(qwenTokenizer, PlaceholderTokenizer::Style::Qwen2);
    using deepext::test::ReferenceConfig;

    const auto llama31 = TinyModelFactory::configJson(TinyModelFactory::preset("llama31", llamaTokenizer));
    EXPECT_EQ(llama31.at("rope_scaling").at("rope_type"), "llama3");
    EXPECT_EQ(llama31.at("bos_token_id").get<int>(), llamaVocab - 3); // <|begin_of_text|>
    EXPECT_EQ(llama31.at("eos_token_id").get<int>(), llamaVocab - 2); // <|end_of_text|>

    const auto qwen3 =
        ReferenceConfig::fromJson(TinyModelFactory::configJson(TinyModelFactory::preset("qwen3", qwenTokenizer)));
    EXPECT_NE(qwen3.headDim, qwen3.hiddenSize / qwen3.heads);
    const auto qwen2 =
        ReferenceConfig::fromJson(TinyModelFactory::configJson(TinyModelFactory::preset("qwen2", qwenTokenizer)));
    EXPECT_TRUE(qwen2.qkvBias);
    const auto gemma2 =
        ReferenceConfig::fromJson(TinyModelFactory::configJson(TinyModelFactory::preset("gemma2", llamaTokenizer)));
    EXPECT_NE(gemma2.headDim, gemma2.hiddenSize / gemma2.heads);
    EXPECT_DOUBLE_EQ(gemma2.queryScale, 1.0 / std::sqrt(gemma2.headDim)); // what llama.cpp uses too
    EXPECT_GT(gemma2.finalSoftcap, 0.0);
    EXPECT_EQ(gemma2.slidingWindow, 4);
    const auto phi3 =
        ReferenceConfig::fromJson(TinyModelFactory::configJson(TinyModelFactory::preset("phi3", llamaTokenizer)));
    EXPECT_EQ(phi3.rotaryDim, 12);

    // A vocab_size past the tokenizer's pads the embedding rows, as Qwen's checkpoints do.
    auto padded = TinyModelFactory::preset("qwen2", qwenTokenizer);
    padded.vocabSize = 400;
    EXPECT_EQ(TinyModelFactory::configJson(padded).at("vocab_size").get<int>(), 400);
    EXPECT_THROW(TinyModelFactory::preset("gpt2", llamaTokenizer), deepext::Error);
}
