#include "deepext/card/FrontMatter.h"

#include "CardTestUtil.h"

#include <gtest/gtest.h>

using deepext::FrontMatter;

TEST(FrontMatterTest, SplitsYamlAndBody)
{
    const FrontMatter f = FrontMatter::split("---\nlicense: mit\n---\n# Title\n");
    EXPECT_TRUE(f.present);
    EXPECT_EQ(f.yaml, "license: mit\n");
    EXPECT_EQ(f.body, "# Title\n");
}

TEST(FrontMatterTest, NoFrontMatterLeavesBody)
{
    const FrontMatter f = FrontMatter::parse("# Just a title\n---\n");
    EXPECT_FALSE(f.present);
    EXPECT_EQ(f.body, "# Just a title\n---\n");
    EXPECT_TRUE(f.error.empty());
}

TEST(FrontMatterTest, UnclosedIsNotFrontMatter)
{
    EXPECT_FALSE(FrontMatter::split("---\nlicense: mit\n").present);
}

TEST(FrontMatterTest, CrLfAndScalarLists)
{
    const FrontMatter f = FrontMatter::parse("---\r\nbase_model: gpt2\r\ndatasets: imdb\r\nlicense: mit\r\n---\r\nx");
    ASSERT_TRUE(f.present);
    EXPECT_TRUE(f.error.empty()) << f.error;
    EXPECT_EQ(f.baseModels, std::vector<std::string>{"gpt2"});
    EXPECT_EQ(f.datasets, std::vector<std::string>{"imdb"});
    EXPECT_EQ(f.license.value_or(""), "mit");
}

TEST(FrontMatterTest, InvalidYamlIsReportedNotThrown)
{
    const FrontMatter f = FrontMatter::parse("---\nlicense: mit\ntags: [a, b\n---\n");
    EXPECT_TRUE(f.present);
    EXPECT_NE(f.error.find("not valid YAML at line"), std::string::npos) << f.error;
    EXPECT_FALSE(f.license.has_value());
}

TEST(FrontMatterTest, LlamaFactoryReadme)
{
    const FrontMatter f = FrontMatter::parse(
        cardtest::slurp(cardtest::realworld("mitaman__12_mitaman_NusAdil_AI__Model_Lora/README.md")));
    ASSERT_TRUE(f.present);
    EXPECT_EQ(f.baseModels, std::vector<std::string>{"unsloth/Qwen2.5-3B-Instruct"});
    EXPECT_EQ(f.libraryName.value_or(""), "peft");
    EXPECT_EQ(f.license.value_or(""), "other");
    EXPECT_EQ(f.tags, (std::vector<std::string>{"llama-factory", "lora", "unsloth", "generated_from_trainer"}));
    EXPECT_TRUE(f.datasets.empty());
}

TEST(FrontMatterTest, DatasetsAndLanguage)
{
    const FrontMatter f =
        FrontMatter::parse(cardtest::slurp(cardtest::realworld("elisagdelope__ESM2-bindingsites/README.md")));
    EXPECT_EQ(f.license.value_or(""), "mit");
    EXPECT_EQ(f.datasets, std::vector<std::string>{"AmelieSchreiber/binding_sites_random_split_by_family_550K"});
    EXPECT_EQ(f.languages, std::vector<std::string>{"en"});
    EXPECT_EQ(f.pipelineTag.value_or(""), "token-classification");
}

TEST(FrontMatterTest, EveryRealReadmeParsesWithoutThrowing)
{
    int withFrontMatter = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(DEEPEXT_TEST_DATA_DIR) + "/realworld")) {
        const auto readme = entry.path() / "README.md";
        if (!std::filesystem::exists(readme)) {
            continue;
        }
        const FrontMatter f = FrontMatter::parse(cardtest::slurp(readme.string()));
        EXPECT_TRUE(f.error.empty()) << readme << ": " << f.error;
        withFrontMatter += f.present ? 1 : 0;
    }
    EXPECT_GT(withFrontMatter, 30);
}
