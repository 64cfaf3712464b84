// The demo's base model (DemoGenerator) yields tokenizer metadata llama.cpp loads: its tokenizer.json is a
// byte-level BPE with a plain ByteLevel pre-tokenizer (GPT-2's regex), which is llama.cpp's "gpt-2".
#include "deepext/gguf/TokenizerMetadata.h"
#include "deepext/workflow/DemoGenerator.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace deepext;

TEST(DemoTokenizerMetadata, DemoBase_IsAGpt2ByteLevelBpeWithItsSpecialTokens)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    DemoGenerator::writeFiles(dir.path().toStdString());
    const std::string base = dir.path().toStdString() + "/base";
    const nlohmann::json config = nlohmann::json::parse(std::ifstream(base + "/config.json"));
    const auto vocabSize = config["vocab_size"].get<std::uint32_t>();
    const gguf::GgufMetadata metadata = gguf::readTokenizerMetadata(base, config, "llama", vocabSize);

    EXPECT_EQ(metadata.find("tokenizer.ggml.model")->asString(), "gpt2");
    EXPECT_EQ(metadata.find("tokenizer.ggml.pre")->asString(), "gpt-2");
    const gguf::GgufValue& tokens = *metadata.find("tokenizer.ggml.tokens");
    ASSERT_EQ(tokens.arraySize(), vocabSize);
    std::set<std::string> distinct;
    for (const auto& token : tokens.elements()) {
        distinct.insert(std::get<std::string>(token));
    }
    EXPECT_EQ(distinct.size(), vocabSize);
    EXPECT_EQ(metadata.find("tokenizer.ggml.merges")->arraySize(), 61u);
    // tokenizer_config.json: bos <|begin_of_text|> (317), eos <|eot_id|> (319); config.json's eos 318 comes later.
    EXPECT_EQ(metadata.find("tokenizer.ggml.bos_token_id")->asUInt32(), 317u);
    EXPECT_EQ(metadata.find("tokenizer.ggml.eos_token_id")->asUInt32(), 319u);
    const gguf::GgufValue& types = *metadata.find("tokenizer.ggml.token_type");
    for (std::uint32_t id : {317u, 318u, 319u}) {
        EXPECT_EQ(std::get<std::int32_t>(types.elements()[id]), 3) << id; // CONTROL
    }
    EXPECT_FALSE(metadata.find("tokenizer.chat_template")->asString().empty());
}
