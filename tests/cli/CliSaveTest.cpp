// Save, list, show, verify, delete and merge through the real deepext-cli, including failure and crash safety.
#include "CliRunner.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;

namespace {

class CliSave : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_ws = m_dir.path() + QStringLiteral("/ws");
        const auto demo = cli({QStringLiteral("demo")});
        ASSERT_EQ(demo.exitCode, 0) << demo.err;
        m_trained = QString::fromStdString(demo.out).trimmed();
    }

    CliResult cli(QStringList args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        return runCli(QStringList{QStringLiteral("--workspace"), m_ws} + args, 120000, env);
    }

    std::string ws() const { return m_ws.toStdString(); }

    std::vector<std::string> entries(const std::string& dir) const
    {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir)) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    QTemporaryDir m_dir;
    QString m_ws;
    QString m_trained;
};

std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_F(CliSave, Save_PublishesANamedModelWithCardAndManifest)
{
    const auto save = cli({QStringLiteral("save"), m_trained});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const std::string saved = QString::fromStdString(save.out).trimmed().toStdString();
    EXPECT_EQ(saved.rfind(m_trained.toStdString() + "_s_", 0), 0U) << saved;
    EXPECT_EQ(saved.size(), m_trained.size() + 7);
    const std::string dir = ws() + "/saved_models/" + saved;
    for (const auto& file : {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                             "generation_config.json", "model_card.json", "README.md"}) {
        EXPECT_TRUE(fs::exists(dir + "/" + file)) << file;
    }
    EXPECT_TRUE(entries(ws() + "/.staging").empty());

    const auto list = cli({QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    const auto json = nlohmann::json::parse(list.out);
    ASSERT_EQ(json.size(), 1U);
    EXPECT_EQ(json[0]["name"], saved);
    EXPECT_EQ(json[0]["trained_model"], m_trained.toStdString());
    EXPECT_EQ(json[0]["base_model"], "demo-llama");

    const auto show = cli({QStringLiteral("show"), QString::fromStdString(saved), QStringLiteral("--json")});
    ASSERT_EQ(show.exitCode, 0) << show.err;
    const auto card = nlohmann::json::parse(show.out);
    EXPECT_EQ(card, nlohmann::json::parse(bytesOf(dir + "/model_card.json")));
    const auto text = cli({QStringLiteral("show"), QString::fromStdString(saved)});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find(saved), std::string::npos);

    const auto verify = cli({QStringLiteral("verify"), QString::fromStdString(saved)});
    EXPECT_EQ(verify.exitCode, 0) << verify.err;
}

TEST_F(CliSave, Verify_NamesEachChangedAndMissingFile)
{
    const auto save = cli({QStringLiteral("save"), m_trained});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const QString saved = QString::fromStdString(save.out).trimmed();
    const std::string dir = ws() + "/saved_models/" + saved.toStdString();
    {
        std::fstream file(dir + "/model.safetensors", std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(-3, std::ios::end);
        file.put('\x7f');
    }
    fs::remove(dir + "/tokenizer.json");
    const auto verify = cli({QStringLiteral("verify"), saved});
    EXPECT_EQ(verify.exitCode, 1);
    EXPECT_EQ(errorLineCount(verify.err), 1) << verify.err;
    EXPECT_NE(verify.err.find("changed: model.safetensors"), std::string::npos) << verify.err;
    EXPECT_NE(verify.err.find("missing: tokenizer.json"), std::string::npos) << verify.err;
}

TEST_F(CliSave, Delete_RefusesWithoutTerminalThenRemovesAndKeepsRecordsAndLinkTargets)
{
    const auto save = cli({QStringLiteral("save"), m_trained});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const QString saved = QString::fromStdString(save.out).trimmed();
    const std::string dir = ws() + "/saved_models/" + saved.toStdString();

    // A symlink inside the model pointing outside the workspace: its target must survive the delete.
    const std::string outside = m_dir.path().toStdString() + "/outside";
    fs::create_directories(outside);
    std::ofstream(outside + "/precious.txt") << "keep me";
    fs::create_directory_symlink(outside, dir + "/link-out");
    fs::create_symlink(outside + "/precious.txt", dir + "/file-link");
    const std::string deploymentsBefore = bytesOf(ws() + "/deployments.json");

    auto result = cli({QStringLiteral("delete"), saved});
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_TRUE(fs::exists(dir));

    result = cli({QStringLiteral("delete"), QStringLiteral("../ws"), QStringLiteral("--yes")});
    EXPECT_EQ(result.exitCode, 1);
    result = cli({QStringLiteral("delete"), QStringLiteral("no_such_model"), QStringLiteral("--yes")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("no_such_model"), std::string::npos);

    result = cli({QStringLiteral("delete"), saved, QStringLiteral("--yes")});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_EQ(bytesOf(outside + "/precious.txt"), "keep me");
    EXPECT_EQ(bytesOf(ws() + "/deployments.json"), deploymentsBefore);
    EXPECT_TRUE(entries(ws() + "/.trash").empty());
}

TEST_F(CliSave, Delete_RefusesASymlinkedEntryPointingOutside)
{
    const std::string outside = m_dir.path().toStdString() + "/elsewhere";
    fs::create_directories(outside);
    std::ofstream(outside + "/model_card.json") << "{}";
    fs::create_directory_symlink(outside, ws() + "/saved_models/sneaky");
    const auto result = cli({QStringLiteral("delete"), QStringLiteral("sneaky"), QStringLiteral("--yes")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_TRUE(fs::exists(outside + "/model_card.json"));
}

TEST_F(CliSave, Merge_WithoutWorkspaceWritesTheSameModelFiles)
{
    const auto save = cli({QStringLiteral("save"), m_trained});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const std::string savedDir = ws() + "/saved_models/" + QString::fromStdString(save.out).trimmed().toStdString();
    const QString out = m_dir.path() + QStringLiteral("/merged");
    const auto merge =
        runCli({QStringLiteral("merge"), QStringLiteral("--base"), m_ws + QStringLiteral("/demo/base"),
                QStringLiteral("--adapter"), m_ws + QStringLiteral("/demo/adapter"), QStringLiteral("--out"), out});
    ASSERT_EQ(merge.exitCode, 0) << merge.err;
    for (const auto& entry : fs::directory_iterator(savedDir)) {
        const std::string name = entry.path().filename().string();
        if (name == "model_card.json" || name == "README.md") {
            EXPECT_TRUE(fs::exists(out.toStdString() + "/" + name));
            continue;
        }
        if (name == "deployment_template") {
            // The registered base's template snapshot: merge has no registry, so no template to capture.
            EXPECT_FALSE(fs::exists(out.toStdString() + "/" + name));
            continue;
        }
        EXPECT_EQ(bytesOf(entry.path().string()), bytesOf(out.toStdString() + "/" + name)) << name;
    }
    // An existing non-empty --out is refused and left alone.
    const auto again =
        runCli({QStringLiteral("merge"), QStringLiteral("--base"), m_ws + QStringLiteral("/demo/base"),
                QStringLiteral("--adapter"), m_ws + QStringLiteral("/demo/adapter"), QStringLiteral("--out"), out});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_EQ(errorLineCount(again.err), 1) << again.err;
}

TEST_F(CliSave, CorruptShard_FailsCleanlyAndLeavesTheWorkspaceUnchanged)
{
    const std::string weights = ws() + "/demo/base/model.safetensors";
    fs::resize_file(weights, fs::file_size(weights) - 100);
    const auto result = cli({QStringLiteral("save"), m_trained});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("model.safetensors"), std::string::npos) << result.err;
    EXPECT_TRUE(entries(ws() + "/saved_models").empty());
    EXPECT_TRUE(entries(ws() + "/.staging").empty());
}

TEST_F(CliSave, TruncatedAdapter_FailsCleanly)
{
    const std::string adapter = ws() + "/demo/adapter/adapter_model.safetensors";
    fs::resize_file(adapter, fs::file_size(adapter) / 2);
    const auto result = cli({QStringLiteral("save"), m_trained});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("adapter_model.safetensors"), std::string::npos) << result.err;
    EXPECT_TRUE(entries(ws() + "/saved_models").empty());
    EXPECT_TRUE(entries(ws() + "/.staging").empty());
}

TEST_F(CliSave, AdapterForADifferentBase_FailsBeforeWriting)
{
    // A real GPT-2 LoRA registered (with a warning) against the Llama demo base.
    const auto add = cli({QStringLiteral("trained"), QStringLiteral("add"),
                          QStringLiteral(DEEPEXT_TEST_DATA_DIR "/realworld/anirudh-ak__peft-gpt2__model__lora_model"),
                          QStringLiteral("--base"), QStringLiteral("demo-llama"), QStringLiteral("--train-name"),
                          QStringLiteral("gpt2")});
    ASSERT_EQ(add.exitCode, 0) << add.err;
    const auto result = cli({QStringLiteral("save"), QString::fromStdString(add.out).trimmed()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_TRUE(entries(ws() + "/saved_models").empty());
    EXPECT_TRUE(entries(ws() + "/.staging").empty());
}

TEST_F(CliSave, KilledMidMerge_LeavesNothingListedAndTheNextStartCleansUp)
{
    for (const char* point : {"bytes", "before-publish"}) {
        auto env = QProcessEnvironment::systemEnvironment();
        if (std::string(point) == "bytes") {
            env.insert(QStringLiteral("DEEPEXT_FAULT_KILL_AFTER_BYTES"), QStringLiteral("20000"));
        } else {
            env.insert(QStringLiteral("DEEPEXT_FAULT_KILL_AT"), QString::fromUtf8(point));
        }
        const auto killed = cli({QStringLiteral("save"), m_trained}, env);
        EXPECT_EQ(killed.exitCode, -1) << point << ": the fault hook did not fire; " << killed.err;
        EXPECT_TRUE(entries(ws() + "/saved_models").empty()) << point;
        const auto list = cli({QStringLiteral("list"), QStringLiteral("--json")});
        ASSERT_EQ(list.exitCode, 0);
        EXPECT_EQ(nlohmann::json::parse(list.out), nlohmann::json::array());
        // That `list` was the next start: it removed the crashed staging folder.
        EXPECT_TRUE(entries(ws() + "/.staging").empty()) << point;
    }
    const auto save = cli({QStringLiteral("save"), m_trained});
    EXPECT_EQ(save.exitCode, 0) << save.err;
}

TEST_F(CliSave, KilledMidDelete_FinishesOnTheNextStart)
{
    const auto save = cli({QStringLiteral("save"), m_trained});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const QString saved = QString::fromStdString(save.out).trimmed();
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DEEPEXT_FAULT_KILL_AT"), QStringLiteral("delete-after-rename"));
    const auto killed = cli({QStringLiteral("delete"), saved, QStringLiteral("--yes")}, env);
    EXPECT_EQ(killed.exitCode, -1);
    EXPECT_FALSE(fs::exists(ws() + "/saved_models/" + saved.toStdString()));
    const auto list = cli({QStringLiteral("list"), QStringLiteral("--json")});
    EXPECT_EQ(nlohmann::json::parse(list.out), nlohmann::json::array());
    EXPECT_TRUE(entries(ws() + "/.trash").empty());
}

TEST_F(CliSave, ConcurrentSaves_OfOneTrainedModelGetDistinctNames)
{
    QProcess first;
    QProcess second;
    for (QProcess* p : {&first, &second}) {
        p->setStandardInputFile(QProcess::nullDevice());
        p->start(QStringLiteral(DEEPEXT_CLI_PATH),
                 {QStringLiteral("--workspace"), m_ws, QStringLiteral("save"), m_trained});
    }
    ASSERT_TRUE(first.waitForFinished(120000));
    ASSERT_TRUE(second.waitForFinished(120000));
    EXPECT_EQ(first.exitCode(), 0) << first.readAllStandardError().toStdString();
    EXPECT_EQ(second.exitCode(), 0) << second.readAllStandardError().toStdString();
    const auto a = first.readAllStandardOutput().trimmed().toStdString();
    const auto b = second.readAllStandardOutput().trimmed().toStdString();
    EXPECT_NE(a, b);
    EXPECT_EQ(entries(ws() + "/saved_models").size(), 2U);
}
