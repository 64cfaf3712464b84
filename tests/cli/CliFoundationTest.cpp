// The CLI contract (docs/user-guide.md, "The command line"), exercised through the real deepext-cli binary in
// subprocesses.
#include "CliRunner.h"

#include <QDir>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using deepext::test::errorLineCount;
using deepext::test::runCli;

namespace {

QString realworld(const char* folder)
{
    return QStringLiteral(DEEPEXT_TEST_DATA_DIR "/realworld/") + QString::fromUtf8(folder);
}

std::string fileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST(CliFoundation, Demo_RegistersBaseAndTrainedModel)
{
    QTemporaryDir dir;
    const QString ws = dir.path() + QStringLiteral("/ws");
    const auto demo = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("demo")});
    ASSERT_EQ(demo.exitCode, 0) << demo.err;

    const auto trained = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("trained"), QStringLiteral("list"),
                                 QStringLiteral("--json")});
    ASSERT_EQ(trained.exitCode, 0) << trained.err;
    const auto trainedJson = nlohmann::json::parse(trained.out);
    ASSERT_TRUE(trainedJson.is_array());
    ASSERT_EQ(trainedJson.size(), 1U);
    const std::string name = trainedJson[0]["name"];
    EXPECT_EQ(name.rfind("demo-llama_demo-lora_", 0), 0U) << name;
    EXPECT_TRUE(trainedJson[0].contains("path"));
    EXPECT_EQ(demo.out, name + "\n");

    const auto bases = runCli(
        {QStringLiteral("--workspace"), ws, QStringLiteral("base"), QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(bases.exitCode, 0) << bases.err;
    const auto baseJson = nlohmann::json::parse(bases.out);
    ASSERT_EQ(baseJson.size(), 1U);
    EXPECT_EQ(baseJson[0]["name"], "demo-llama");
    EXPECT_EQ(baseJson[0]["architecture"], "LlamaForCausalLM");
    EXPECT_TRUE(baseJson[0]["has_template"].get<bool>());
    // Parameter count = the sum of the tensors' element counts (hidden 64, intermediate 172, 2 layers,
    // 4 heads / 2 KV heads of 16, vocab 320, untied lm_head).
    const std::uint64_t perLayer = 64 * 64 + 32 * 64 + 32 * 64 + 64 * 64 + 3 * 172 * 64 + 2 * 64;
    EXPECT_EQ(baseJson[0]["parameter_count"].get<std::uint64_t>(), 2 * 320 * 64 + 2 * perLayer + 64);
}

TEST(CliFoundation, Demo_TwiceChangesNothing)
{
    QTemporaryDir dir;
    const QString ws = dir.path() + QStringLiteral("/ws");
    ASSERT_EQ(runCli({QStringLiteral("--workspace"), ws, QStringLiteral("demo")}).exitCode, 0);
    std::map<std::string, std::string> before;
    for (const auto& entry : fs::recursive_directory_iterator(ws.toStdString())) {
        if (entry.is_regular_file() && entry.path().string().find("/logs/") == std::string::npos) {
            before[entry.path().string()] = fileBytes(entry.path().string());
        }
    }
    const auto again = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("demo")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    std::map<std::string, std::string> after;
    for (const auto& entry : fs::recursive_directory_iterator(ws.toStdString())) {
        if (entry.is_regular_file() && entry.path().string().find("/logs/") == std::string::npos) {
            after[entry.path().string()] = fileBytes(entry.path().string());
        }
    }
    EXPECT_EQ(before, after);
}

TEST(CliFoundation, Demo_IsDeterministicAcrossWorkspaces)
{
    QTemporaryDir dir;
    const QString a = dir.path() + QStringLiteral("/a");
    const QString b = dir.path() + QStringLiteral("/b");
    ASSERT_EQ(runCli({QStringLiteral("--workspace"), a, QStringLiteral("demo")}).exitCode, 0);
    ASSERT_EQ(runCli({QStringLiteral("--workspace"), b, QStringLiteral("demo")}).exitCode, 0);
    int compared = 0;
    for (const auto& entry : fs::recursive_directory_iterator(a.toStdString() + "/demo")) {
        if (entry.is_regular_file()) {
            const auto relative = fs::relative(entry.path(), a.toStdString());
            EXPECT_EQ(fileBytes(entry.path().string()), fileBytes(b.toStdString() + "/" + relative.string()))
                << relative;
            ++compared;
        }
    }
    EXPECT_GE(compared, 10);
}

TEST(CliFoundation, BaseAdd_NonexistentPathIsOneErrorLineNamingIt)
{
    QTemporaryDir dir;
    const auto result =
        runCli({QStringLiteral("--workspace"), dir.path(), QStringLiteral("base"), QStringLiteral("add"),
                QStringLiteral("/nonexistent"), QStringLiteral("--name"), QStringLiteral("x")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("/nonexistent"), std::string::npos) << result.err;
}

TEST(CliFoundation, UsageMistakes_ExitTwo)
{
    QTemporaryDir dir;
    const QStringList ws{QStringLiteral("--workspace"), dir.path()};
    for (const QStringList& args :
         {QStringList{QStringLiteral("nonsense")}, QStringList{QStringLiteral("base")},
          QStringList{QStringLiteral("base"), QStringLiteral("add")},
          QStringList{QStringLiteral("base"), QStringLiteral("add"), QStringLiteral("/tmp")},
          QStringList{QStringLiteral("trained"), QStringLiteral("list"), QStringLiteral("--bogus")},
          QStringList{QStringLiteral("list"), QStringLiteral("extra")}, QStringList{}}) {
        const auto result = runCli(ws + args);
        EXPECT_EQ(result.exitCode, 2) << args.join(QLatin1Char(' ')).toStdString() << ": " << result.err;
        EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    }
    EXPECT_EQ(runCli({QStringLiteral("--log-level"), QStringLiteral("loud"), QStringLiteral("list")}).exitCode, 2);

    // Help and usage errors of a subcommand name it as typed.
    const auto help = runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("--help")});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_EQ(help.out.rfind("Usage: deepext-cli env add [options] NAME", 0), 0U) << help.out;
    const auto bogus =
        runCli(ws + QStringList{QStringLiteral("trained"), QStringLiteral("list"), QStringLiteral("--bogus")});
    EXPECT_NE(bogus.err.find("(see 'deepext-cli trained list --help')"), std::string::npos) << bogus.err;
}

TEST(CliFoundation, BaseAdd_RefusesFoldersThatAreNotModelsAndBadNames)
{
    QTemporaryDir dir;
    const QStringList ws{QStringLiteral("--workspace"), dir.path() + QStringLiteral("/ws")};
    QDir().mkpath(dir.path() + QStringLiteral("/empty"));
    auto result =
        runCli(ws + QStringList{QStringLiteral("base"), QStringLiteral("add"), dir.path() + QStringLiteral("/empty"),
                                QStringLiteral("--name"), QStringLiteral("e")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("config.json"), std::string::npos) << result.err;
    // A config-only folder (a real published config, no weights).
    result = runCli(ws + QStringList{QStringLiteral("base"), QStringLiteral("add"), realworld("BrianYAU-NTEC__olmOCR"),
                                     QStringLiteral("--name"), QStringLiteral("o")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("safetensors"), std::string::npos) << result.err;
    result = runCli(ws + QStringList{QStringLiteral("base"), QStringLiteral("add"), dir.path(),
                                     QStringLiteral("--name"), QStringLiteral("../evil")});
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_NE(result.err.find("../evil"), std::string::npos) << result.err;
}

TEST(CliFoundation, TrainedAdd_RefusesNonLoraAdaptersByNameAndWarnsOnOtherBase)
{
    QTemporaryDir dir;
    const QString ws = dir.path() + QStringLiteral("/ws");
    ASSERT_EQ(runCli({QStringLiteral("--workspace"), ws, QStringLiteral("demo")}).exitCode, 0);
    const QStringList add{QStringLiteral("--workspace"), ws, QStringLiteral("trained"), QStringLiteral("add")};
    const QStringList tail{QStringLiteral("--base"), QStringLiteral("demo-llama"), QStringLiteral("--train-name"),
                           QStringLiteral("t1")};

    auto result = runCli(add +
                         QStringList{realworld("huggingface__peft__examples__conditional_generation__bigscience__"
                                               "mt0-large_IA3_SEQ_2_SEQ_LM")} +
                         tail);
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("IA3"), std::string::npos) << result.err;

    result = runCli(add + QStringList{realworld("RishitToteja__llm-tuning")} + tail);
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("prompt tuning"), std::string::npos) << result.err;

    // A real LoRA adapter trained on another base: registered, with a warning naming that base.
    result = runCli(add + QStringList{realworld("anirudh-ak__peft-gpt2__model__lora_model")} + tail);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.err.find("warning:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("gpt2"), std::string::npos) << result.err;
    EXPECT_NE(result.out.find("demo-llama_t1_"), std::string::npos) << result.out;

    result = runCli(add + QStringList{ws + QStringLiteral("/demo/adapter"), QStringLiteral("--base"),
                                      QStringLiteral("nobase"), QStringLiteral("--train-name"), QStringLiteral("t")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("nobase"), std::string::npos);
}

TEST(CliFoundation, Remove_OnlyUnregistersAndBaseRemoveNamesItsUsers)
{
    QTemporaryDir dir;
    const QString ws = dir.path() + QStringLiteral("/ws");
    const auto demo = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("demo")});
    ASSERT_EQ(demo.exitCode, 0);
    const QString trained = QString::fromStdString(demo.out).trimmed();
    auto result = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("base"), QStringLiteral("remove"),
                          QStringLiteral("demo-llama")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find(trained.toStdString()), std::string::npos) << result.err;
    result = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("trained"), QStringLiteral("remove"), trained});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    result = runCli({QStringLiteral("--workspace"), ws, QStringLiteral("base"), QStringLiteral("remove"),
                     QStringLiteral("demo-llama")});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_TRUE(fs::exists(ws.toStdString() + "/demo/base/model.safetensors"));
    EXPECT_TRUE(fs::exists(ws.toStdString() + "/demo/adapter/adapter_model.safetensors"));
}

TEST(CliFoundation, Environments_AddListDefaultRemove)
{
    QTemporaryDir dir;
    const QStringList ws{QStringLiteral("--workspace"), dir.path()};
    EXPECT_EQ(runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("local"),
                                      QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:11434")})
                  .exitCode,
              0);
    EXPECT_EQ(runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("lab"),
                                      QStringLiteral("--url"), QStringLiteral("https://ollama.lab.internal")})
                  .exitCode,
              0);
    EXPECT_EQ(runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("bad"),
                                      QStringLiteral("--url"), QStringLiteral("ftp://x")})
                  .exitCode,
              2);
    EXPECT_EQ(
        runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("default"), QStringLiteral("lab")}).exitCode, 0);
    auto list = runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(list.exitCode, 0);
    auto json = nlohmann::json::parse(list.out);
    ASSERT_EQ(json.size(), 2U);
    EXPECT_FALSE(json[0]["default"].get<bool>());
    EXPECT_TRUE(json[1]["default"].get<bool>());
    EXPECT_EQ(runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("remove"), QStringLiteral("lab")}).exitCode,
              0);
    list = runCli(ws + QStringList{QStringLiteral("env"), QStringLiteral("list"), QStringLiteral("--json")});
    json = nlohmann::json::parse(list.out);
    ASSERT_EQ(json.size(), 1U);
    EXPECT_TRUE(json[0]["default"].get<bool>());
}

TEST(CliFoundation, WorkspaceFromEnvironment_IsUsed)
{
    QTemporaryDir dir;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DEEPEXT_WORKSPACE"), dir.path() + QStringLiteral("/fromenv"));
    const auto result = runCli({QStringLiteral("env"), QStringLiteral("list"), QStringLiteral("--json")}, 60000, env);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_TRUE(fs::exists(dir.path().toStdString() + "/fromenv/workspace.json"));
}

TEST(CliFoundation, List_IsAnEmptyJsonArrayBeforeAnySave)
{
    QTemporaryDir dir;
    const auto result =
        runCli({QStringLiteral("--workspace"), dir.path(), QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out), nlohmann::json::array());
}
