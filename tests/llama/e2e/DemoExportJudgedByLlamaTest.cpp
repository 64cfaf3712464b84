// The exporter on the project's own demo, as a user meets it: `deepext-cli demo`, then the demo base folder
// (export-gguf --model) and a saved model of it (save, then export-gguf SAVED) exported as f32 GGUF. llama.cpp loads
// both, tokenizes like the demo's tokenizer, and its next-token logits match the reference forward pass over each
// folder's safetensors (top-1 identical, max |diff| <= 1e-3).
#include "CliGgufExport.h"
#include "CliRunner.h"
#include "LlamaProbe.h"
#include "LogitComparison.h"
#include "ReferenceForward.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace deepext::test;

namespace {

class DemoExportJudgedByLlama : public ::testing::Test
{
protected:
    void SetUp() override
    {
        DEEPEXT_REQUIRE_LLAMA(m_probe);
        ASSERT_TRUE(m_dir.isValid());
        m_workspace = m_dir.path() + QStringLiteral("/workspace");
    }

    CliResult cli(const QStringList& arguments) const
    {
        return runCli(QStringList{QStringLiteral("--workspace"), m_workspace} + arguments);
    }

    // Exports `source` as f32 (the strict reader checks the file) into `gguf`.
    void exportF32(const QStringList& source, const std::string& gguf) const
    {
        try {
            CliGgufExport::run({QStringLiteral("--workspace"), m_workspace}, source, gguf, "f32");
        } catch (const deepext::Error& error) {
            FAIL() << error.message();
        }
    }

    static const std::vector<std::string>& texts()
    {
        static const std::vector<std::string> prompts{"Hello, world!", "the demo model says", "digits 2024 and more"};
        return prompts;
    }

    static LlamaModelQuestions questionsAbout(const std::string& gguf)
    {
        LlamaModelQuestions questions{gguf, true, {}, {}};
        for (const auto& text : texts()) {
            questions.evaluate.push_back({text, true, std::nullopt});
        }
        questions.tokenize = questions.evaluate;
        return questions;
    }

    // llama.cpp loaded the export of `modelDirectory`, tokenized like its tokenizer and computed its logits.
    static void expectLlamaCppMatchesTheReference(const LlamaModelAnswers& answers,
                                                  const std::vector<std::vector<int>>& hfTokens,
                                                  const std::string& modelDirectory, const std::string& name)
    {
        ASSERT_TRUE(answers.info.loaded) << answers.info.error;
        EXPECT_EQ(answers.info.architecture, "llama");
        EXPECT_EQ(answers.tokens, hfTokens);
        const ReferenceForward reference = ReferenceForward::load(modelDirectory);
        ASSERT_EQ(answers.evaluations.size(), texts().size());
        for (std::size_t i = 0; i < texts().size(); ++i) {
            const auto comparison = LogitComparison::compare(reference.nextTokenLogits(answers.evaluations[i].tokens),
                                                             answers.evaluations[i].logits);
            std::cout << "[ " << name << " f32 ] prompt " << i << ": " << comparison.describe() << "\n";
            EXPECT_TRUE(comparison.sameTop()) << name << " prompt " << i << ": " << comparison.describe();
            EXPECT_LE(comparison.maxAbsDiff, 1e-3) << name << " prompt " << i << ": " << comparison.describe();
        }
    }

    LlamaProbe m_probe;
    QTemporaryDir m_dir;
    QString m_workspace;
};

} // namespace

TEST_F(DemoExportJudgedByLlama, BaseFolderAndSavedModelMatchTheReference)
{
    const CliResult demo = cli({QStringLiteral("demo")});
    ASSERT_EQ(demo.exitCode, 0) << demo.err;
    const CliResult save = cli({QStringLiteral("save"), QString::fromStdString(demo.out).trimmed()});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const QString saved = QString::fromStdString(save.out).trimmed();

    const std::string baseFolder = (m_workspace + QStringLiteral("/demo/base")).toStdString();
    const std::string savedFolder = (m_workspace + QStringLiteral("/saved_models/") + saved).toStdString();
    const std::string baseGguf = m_dir.path().toStdString() + "/demo-base.gguf";
    const std::string savedGguf = m_dir.path().toStdString() + "/demo-saved.gguf";
    ASSERT_NO_FATAL_FAILURE(exportF32({QStringLiteral("--model"), QString::fromStdString(baseFolder)}, baseGguf));
    ASSERT_NO_FATAL_FAILURE(exportF32({saved}, savedGguf));

    // The saved model carries the base's tokenizer (the demo adapter has none of its own), so one reference
    // tokenization serves both.
    ASSERT_EQ(deepext::readWholeFile(savedFolder + "/tokenizer.json"),
              deepext::readWholeFile(baseFolder + "/tokenizer.json"));
    LlamaRequest request;
    request.models = {questionsAbout(baseGguf), questionsAbout(savedGguf)};
    request.hfTokenizerDirectory = baseFolder;
    request.hfTokenize = texts();
    const LlamaReply reply = m_probe.ask(request);
    ASSERT_EQ(reply.models.size(), 2u);
    {
        SCOPED_TRACE("the demo base folder");
        expectLlamaCppMatchesTheReference(reply.models[0], reply.hfTokens, baseFolder, "demo-base");
    }
    {
        SCOPED_TRACE("the saved model " + saved.toStdString());
        expectLlamaCppMatchesTheReference(reply.models[1], reply.hfTokens, savedFolder, "demo-saved");
    }
}
