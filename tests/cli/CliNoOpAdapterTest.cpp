// An adapter saved before training (every lora_B zero, tests/data/noop) through the real deepext-cli: save and merge
// succeed, say on stderr that it changes nothing, and the card (model_card.json, README.md, `show`) keeps the
// warning. The registered-model views (`base show`, `trained show`) come from the card renderer too.
#include "CliRunner.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using deepext::test::CliResult;
using deepext::test::runCli;

namespace {

const std::string kWarningLine = "warning: this adapter changes nothing: was it saved before training?";
const std::string kPhrase = "this adapter changes nothing: was it saved before training?";

std::string dataDir()
{
    return DEEPEXT_TEST_DATA_DIR;
}

std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CliNoOpAdapter : public ::testing::Test
{
protected:
    CliResult cli(QStringList args)
    {
        return runCli(QStringList{QStringLiteral("--workspace"), m_dir.path() + QStringLiteral("/ws")} + args);
    }

    // Registers the golden base and the untrained adapter; returns the trained model's name.
    std::string registerUntrained()
    {
        const auto base = cli({QStringLiteral("base"), QStringLiteral("add"),
                               QString::fromStdString(dataDir() + "/golden/llama_bf16_qv/base"),
                               QStringLiteral("--name"), QStringLiteral("qv-base")});
        EXPECT_EQ(base.exitCode, 0) << base.err;
        const auto trained =
            cli({QStringLiteral("trained"), QStringLiteral("add"),
                 QString::fromStdString(dataDir() + "/noop/untrained_lora/adapter"), QStringLiteral("--base"),
                 QStringLiteral("qv-base"), QStringLiteral("--train-name"), QStringLiteral("untrained")});
        EXPECT_EQ(trained.exitCode, 0) << trained.err;
        return QString::fromStdString(trained.out).trimmed().toStdString();
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST_F(CliNoOpAdapter, Save_SucceedsAndWarnsOnStderrAndOnTheCard)
{
    const std::string trained = registerUntrained();
    ASSERT_FALSE(trained.empty());
    const auto save = cli({QStringLiteral("save"), QString::fromStdString(trained)});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    EXPECT_NE(save.err.find(kWarningLine), std::string::npos) << save.err;
    const std::string saved = QString::fromStdString(save.out).trimmed().toStdString();
    ASSERT_FALSE(saved.empty());

    const std::string dir = m_dir.path().toStdString() + "/ws/saved_models/" + saved;
    const auto card = nlohmann::json::parse(bytesOf(dir + "/model_card.json"));
    bool onCard = false;
    for (const auto& warning : card["merge"]["warnings"]) {
        onCard = onCard || warning.get<std::string>().find(kPhrase) != std::string::npos;
    }
    EXPECT_TRUE(onCard) << card["merge"].dump(2);
    EXPECT_NE(bytesOf(dir + "/README.md").find(kPhrase), std::string::npos);
    const auto show = cli({QStringLiteral("show"), QString::fromStdString(saved)});
    ASSERT_EQ(show.exitCode, 0) << show.err;
    EXPECT_NE(show.out.find("Warnings raised by the merge:"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find(kPhrase), std::string::npos) << show.out;
}

TEST_F(CliNoOpAdapter, Merge_SucceedsAndWarnsOnStderr)
{
    const std::string out = m_dir.path().toStdString() + "/merged";
    const auto merge =
        runCli({QStringLiteral("merge"), QStringLiteral("--base"),
                QString::fromStdString(dataDir() + "/golden/llama_bf16_qv/base"), QStringLiteral("--adapter"),
                QString::fromStdString(dataDir() + "/noop/untrained_lora/adapter"), QStringLiteral("--out"),
                QString::fromStdString(out)});
    ASSERT_EQ(merge.exitCode, 0) << merge.err;
    EXPECT_NE(merge.err.find(kWarningLine), std::string::npos) << merge.err;
    EXPECT_NE(bytesOf(out + "/README.md").find(kPhrase), std::string::npos);
}

TEST_F(CliNoOpAdapter, TrainedAdapter_SavesWithoutTheWarning)
{
    const auto demo = cli({QStringLiteral("demo")});
    ASSERT_EQ(demo.exitCode, 0) << demo.err;
    const auto save = cli({QStringLiteral("save"), QString::fromStdString(demo.out).trimmed()});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    EXPECT_EQ(save.err.find(kPhrase), std::string::npos) << save.err;
}

TEST_F(CliNoOpAdapter, BaseAndTrainedShow_UseTheCardSections)
{
    const std::string trained = registerUntrained();
    const auto base = cli({QStringLiteral("base"), QStringLiteral("show"), QStringLiteral("qv-base")});
    ASSERT_EQ(base.exitCode, 0) << base.err;
    // The card's Base model section (facts from config.json and the safetensors headers) and the template section.
    for (const char* expected :
         {"qv-base\n=======", "Base model\n----------", "Technical name:", "Hidden size:", "Parameters:",
          "Deployment Template File\n------------------------", "None. Deploying a model of this base needs one"}) {
        EXPECT_NE(base.out.find(expected), std::string::npos) << expected << "\n" << base.out;
    }
    const auto shown = cli({QStringLiteral("trained"), QStringLiteral("show"), QString::fromStdString(trained)});
    ASSERT_EQ(shown.exitCode, 0) << shown.err;
    for (const std::string& expected :
         {trained + "\n", std::string("Trained model\n-------------"), std::string("Rank (r):"),
          std::string("Base model:"), std::string("Training\n--------"),
          std::string("No training metadata was found beside the adapter")}) {
        EXPECT_NE(shown.out.find(expected), std::string::npos) << expected << "\n" << shown.out;
    }
}
