// `deepext-cli export-gguf` through the real binary: the demo exported from the workspace and as a folder, the
// refusals (usage, unknown architecture, existing --out, missing folder), Ctrl+C and a kill leaving nothing.
#include "CliRunner.h"
#include "deepext/base/Sha256.h"
#include "deepext/gguf/GgufReader.h"
#include "deepext/merge/SafeTensorsWriter.h"

#include <QProcess>
#include <QTemporaryDir>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;
using ::testing::HasSubstr;

namespace {

class CliExportGguf : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_ws = m_dir.path() + QStringLiteral("/ws");
        const auto demo = cli({QStringLiteral("demo")});
        ASSERT_EQ(demo.exitCode, 0) << demo.err;
        m_trained = QString::fromStdString(demo.out).trimmed();
        fs::create_directories(out());
    }

    CliResult cli(QStringList args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        return runCli(QStringList{QStringLiteral("--workspace"), m_ws} + args, 120000, env);
    }
    QString demoBase() const { return m_ws + QStringLiteral("/demo/base"); }
    std::string out() const { return m_dir.path().toStdString() + "/out"; }
    QString outFile(const char* name = "demo.gguf") const { return QString::fromStdString(out() + "/" + name); }
    std::vector<std::string> outEntries() const
    {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(out())) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    QTemporaryDir m_dir;
    QString m_ws;
    QString m_trained;
};

TEST_F(CliExportGguf, UsageErrors_ExitTwo)
{
    for (const QStringList& args :
         {QStringList{QStringLiteral("export-gguf"), QStringLiteral("--out"), outFile()},
          QStringList{QStringLiteral("export-gguf"), QStringLiteral("x"), QStringLiteral("--model"), demoBase(),
                      QStringLiteral("--out"), outFile()},
          QStringList{QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase()},
          QStringList{QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase(), QStringLiteral("--out"),
                      outFile(), QStringLiteral("--type"), QStringLiteral("q4_K_M")},
          QStringList{QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase(), QStringLiteral("--out"),
                      outFile(), QStringLiteral("--threads"), QStringLiteral("-3")}}) {
        const auto result = cli(args);
        EXPECT_EQ(result.exitCode, 2) << args.join(QLatin1Char(' ')).toStdString() << "\n" << result.err;
        EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
        EXPECT_TRUE(result.out.empty());
    }
    EXPECT_TRUE(outEntries().empty());
    const auto help = cli({QStringLiteral("export-gguf"), QStringLiteral("--help")});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_THAT(help.out + help.err, HasSubstr("q8_0"));
}

TEST_F(CliExportGguf, Refusals_ExitOneNamingTheCause)
{
    // A folder that does not exist.
    auto result = cli({QStringLiteral("export-gguf"), QStringLiteral("--model"), m_ws + QStringLiteral("/nowhere"),
                       QStringLiteral("--out"), outFile()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_THAT(result.err, HasSubstr("nowhere does not exist"));

    // An unknown saved model.
    result = cli({QStringLiteral("export-gguf"), QStringLiteral("no-such-model"), QStringLiteral("--out"), outFile()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_THAT(result.err, HasSubstr("no saved model named 'no-such-model'"));

    // An architecture GGUF export does not know: named, with the supported ones listed.
    const fs::path gpt2 = m_dir.path().toStdString() + "/gpt2";
    fs::create_directories(gpt2);
    std::ofstream(gpt2 / "config.json") << R"({"architectures": ["GPT2LMHeadModel"], "n_embd": 8, "n_layer": 1})";
    deepext::writeSafeTensorsFile(
        (gpt2 / "model.safetensors").string(),
        {{deepext::TensorSpec{"transformer.wte.weight", deepext::Dtype::F32, {4, 8}}, std::vector<std::uint8_t>(128)}});
    result = cli({QStringLiteral("export-gguf"), QStringLiteral("--model"), QString::fromStdString(gpt2.string()),
                  QStringLiteral("--out"), outFile()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_THAT(result.err, HasSubstr("GPT2LMHeadModel"));
    EXPECT_THAT(result.err, HasSubstr("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, "
                                      "Gemma2ForCausalLM, Phi3ForCausalLM"));
    EXPECT_TRUE(outEntries().empty());

    // An existing --out, refused before anything is read.
    std::ofstream(outFile().toStdString()) << "keep";
    result =
        cli({QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase(), QStringLiteral("--out"), outFile()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_THAT(result.err, HasSubstr("already exists"));
    EXPECT_THAT(result.err, HasSubstr("--force"));
    EXPECT_EQ(outEntries(), std::vector<std::string>{"demo.gguf"});
    std::ifstream kept(outFile().toStdString());
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept), {}), "keep");
}

TEST_F(CliExportGguf, SavedDemo_ExportsAFileLlamaCppReads)
{
    const auto save = cli({QStringLiteral("save"), m_trained});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const QString saved = QString::fromStdString(save.out).trimmed();
    const auto result = cli({QStringLiteral("export-gguf"), saved, QStringLiteral("--out"), outFile(),
                             QStringLiteral("--type"), QStringLiteral("q8_0")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.out, outFile().toStdString() + "\n");
    const deepext::gguf::GgufReader reader = deepext::gguf::GgufReader::open(outFile().toStdString());
    EXPECT_EQ(reader.metadata().find("general.architecture")->asString(), "llama");
    EXPECT_EQ(reader.metadata().find("general.file_type")->asUInt32(), 7u);
    EXPECT_EQ(reader.metadata().find("general.name")->asString(), saved.toStdString());
    EXPECT_TRUE(reader.metadata().contains("tokenizer.ggml.tokens"));
    EXPECT_EQ(outEntries(), std::vector<std::string>{"demo.gguf"});

    // The saved model's card records the export (type, file, size, SHA-256, time) and README.md says how to run it.
    const std::string modelDir = m_ws.toStdString() + "/saved_models/" + saved.toStdString();
    std::ifstream cardFile(modelDir + "/model_card.json");
    const nlohmann::json card = nlohmann::json::parse(cardFile);
    EXPECT_EQ(card["schema_version"], "1.4");
    ASSERT_EQ(card["gguf_exports"].size(), 1u);
    const nlohmann::json& record = card["gguf_exports"][0];
    EXPECT_EQ(record["type"], "q8_0");
    EXPECT_EQ(record["path"], outFile().toStdString());
    EXPECT_EQ(record["size"].get<std::uint64_t>(), fs::file_size(outFile().toStdString()));
    EXPECT_EQ(record["sha256"], deepext::Sha256::ofFile(outFile().toStdString()));
    EXPECT_THAT(record["exported_at"].get<std::string>(), ::testing::MatchesRegex("20[0-9-]+T[0-9:.]+Z"));
    std::ifstream readmeFile(modelDir + "/README.md");
    const std::string readme((std::istreambuf_iterator<char>(readmeFile)), {});
    EXPECT_THAT(readme, HasSubstr("## GGUF exports"));
    EXPECT_THAT(readme, HasSubstr("llama-cli -m FILE.gguf"));
    EXPECT_THAT(readme, HasSubstr(record["sha256"].get<std::string>()));
    const auto shown = cli({QStringLiteral("show"), saved});
    ASSERT_EQ(shown.exitCode, 0) << shown.err;
    EXPECT_THAT(shown.out, HasSubstr(outFile().toStdString()));
    // The export lives outside the model folder: the model still verifies.
    const auto verified = cli({QStringLiteral("verify"), saved});
    EXPECT_EQ(verified.exitCode, 0) << verified.err;

    // --force replaces it; --model takes any folder.
    const auto again = cli({QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase(),
                            QStringLiteral("--out"), outFile(), QStringLiteral("--force")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(deepext::gguf::GgufReader::open(outFile().toStdString()).metadata().find("general.name")->asString(),
              "base");
}

// The process state letter of /proc/<pid>/stat ('T' when stopped).
char processState(qint64 pid)
{
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close = text.rfind(')');
    return close == std::string::npos || close + 2 >= text.size() ? '?' : text[close + 2];
}

TEST_F(CliExportGguf, CtrlC_WhileWriting_LeavesNothing)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DEEPEXT_FAULT_STOP_AT"), QStringLiteral("gguf-writing"));
    QProcess process;
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(QStringLiteral(DEEPEXT_CLI_PATH),
                  {QStringLiteral("--workspace"), m_ws, QStringLiteral("export-gguf"), QStringLiteral("--model"),
                   demoBase(), QStringLiteral("--out"), outFile()});
    ASSERT_TRUE(process.waitForStarted(10000));
    // Wait until it stops itself with its staging file open.
    while (processState(process.processId()) != 'T' && !process.waitForFinished(20)) {
    }
    ASSERT_EQ(process.state(), QProcess::Running) << process.readAllStandardError().toStdString();
    EXPECT_EQ(outEntries().size(), 1u) << "the hidden staging file";
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    ::kill(static_cast<pid_t>(process.processId()), SIGCONT);
    ASSERT_TRUE(process.waitForFinished(60000));
    EXPECT_EQ(process.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(process.exitCode(), 1);
    EXPECT_THAT(process.readAllStandardError().toStdString(), HasSubstr("cancelled"));
    EXPECT_TRUE(outEntries().empty());
}

TEST_F(CliExportGguf, Killed_LeavesOnlyAHiddenStagingFileThatTheNextExportRemoves)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DEEPEXT_FAULT_KILL_AT"), QStringLiteral("gguf-writing"));
    const auto killed =
        cli({QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase(), QStringLiteral("--out"), outFile()},
            env);
    ASSERT_EQ(killed.exitCode, -1) << "the fault hook did not fire: " << killed.err;
    const std::vector<std::string> left = outEntries();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].rfind(".demo.gguf.partial-", 0), 0u) << left[0];
    const auto next =
        cli({QStringLiteral("export-gguf"), QStringLiteral("--model"), demoBase(), QStringLiteral("--out"), outFile()});
    ASSERT_EQ(next.exitCode, 0) << next.err;
    EXPECT_EQ(outEntries(), std::vector<std::string>{"demo.gguf"});
}

} // namespace
