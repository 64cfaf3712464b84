#include "deepext/ollama/OllamaVersion.h"

#include <gtest/gtest.h>

#include <algorithm>

using deepext::ollama::OllamaVersion;

TEST(OllamaVersion, Parse)
{
    EXPECT_EQ(OllamaVersion::parse("0.5.7").toString(), "0.5.7");
    EXPECT_EQ(OllamaVersion::parse("0.33.0-rc2").toString(), "0.33.0");
    EXPECT_EQ(OllamaVersion::parse("v0.6.2").toString(), "0.6.2");
    EXPECT_TRUE(OllamaVersion::parse("0.0.0").isSourceBuild());
    EXPECT_FALSE(OllamaVersion::parse("").isValid());
    EXPECT_FALSE(OllamaVersion::parse("banana").isValid());
    EXPECT_FALSE(OllamaVersion::parse("1.2.3x").isValid());
}

TEST(OllamaVersion, DeployNeeds055)
{
    EXPECT_FALSE(OllamaVersion::parse("0.5.4").supportsJsonCreate());
    EXPECT_FALSE(OllamaVersion::parse("0.1.32").supportsJsonCreate());
    EXPECT_TRUE(OllamaVersion::parse("0.5.5").supportsJsonCreate());
    EXPECT_TRUE(OllamaVersion::parse("0.5.5-rc1").supportsJsonCreate());
    EXPECT_TRUE(OllamaVersion::parse("0.12.0").supportsJsonCreate());
    EXPECT_TRUE(OllamaVersion::parse("1.0.0").supportsJsonCreate());
    EXPECT_TRUE(OllamaVersion::parse("0.0.0").supportsJsonCreate());
}

TEST(OllamaVersion, Architectures)
{
    const auto head = OllamaVersion::parse("0.33.0-rc2");
    EXPECT_TRUE(head.isKnownToConvert("LlamaForCausalLM"));
    EXPECT_TRUE(head.isKnownToConvert("Qwen2ForCausalLM"));
    EXPECT_FALSE(head.isKnownToConvert("Qwen3ForCausalLM"));
    EXPECT_FALSE(head.isKnownToConvert("MistralForCausalLM"));
    EXPECT_TRUE(OllamaVersion::parse("0.6.4").isKnownToConvert("MistralForCausalLM"));
    EXPECT_FALSE(OllamaVersion::parse("0.5.5").isKnownToConvert("Qwen2ForCausalLM"));
    EXPECT_TRUE(OllamaVersion::parse("0.5.6").isKnownToConvert("Qwen2ForCausalLM"));
    EXPECT_TRUE(OllamaVersion::parse("0.0.0").isKnownToConvert("GptOssForCausalLM"));
    EXPECT_FALSE(head.isKnownToConvert(""));
}

TEST(OllamaVersion, ConverterAtTheTableEdges)
{
    using Converter = OllamaVersion::Converter;
    EXPECT_EQ(OllamaVersion::parse("0.5.5").converterFor("Qwen2ForCausalLM"), Converter::Refuses);
    EXPECT_EQ(OllamaVersion::parse("0.5.6").converterFor("Qwen2ForCausalLM"), Converter::Converts);
    EXPECT_EQ(OllamaVersion::parse("0.6.4").converterFor("MistralForCausalLM"), Converter::Converts);
    EXPECT_EQ(OllamaVersion::parse("0.6.5").converterFor("MistralForCausalLM"), Converter::Refuses);
    EXPECT_EQ(OllamaVersion::parse("0.5.9").converterFor("Gemma3ForCausalLM"), Converter::Refuses);
    EXPECT_EQ(OllamaVersion::parse("0.6.0").converterFor("Gemma3ForCausalLM"), Converter::Converts);
    EXPECT_EQ(OllamaVersion::parse("0.32.9").converterFor("Olmo3ForCausalLM"), Converter::Unsure);
    EXPECT_EQ(OllamaVersion::parse("0.33.0").converterFor("Olmo3ForCausalLM"), Converter::Converts);
    EXPECT_EQ(OllamaVersion::parse("0.33.0").converterFor("Qwen3ForCausalLM"), Converter::Refuses);
    EXPECT_EQ(OllamaVersion::parse("0.33.0").converterFor(""), Converter::Refuses);

    const auto old = OllamaVersion::parse("0.6.4").convertibleArchitectures();
    EXPECT_NE(std::find(old.begin(), old.end(), "MistralForCausalLM"), old.end());
    const auto head = OllamaVersion::parse("0.33.0").convertibleArchitectures();
    EXPECT_EQ(std::find(head.begin(), head.end(), "MistralForCausalLM"), head.end());
    EXPECT_EQ(std::find(head.begin(), head.end(), "Qwen3ForCausalLM"), head.end());
    EXPECT_EQ(head.front(), "LlamaForCausalLM");
}
