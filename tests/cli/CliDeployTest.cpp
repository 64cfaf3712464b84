// deploy / deployed / undeploy through the real deepext-cli against the stand-in Ollama server.
#include "CliRunner.h"
#include "SavedDemoOnServer.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QTemporaryDir>
#include <QUrl>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

namespace fs = std::filesystem;
using deepext::fake::FakeOllamaServer;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;

namespace {

class CliDeploy : public deepext::test::SavedDemoOnServer
{
protected:
    nlohmann::json card() const
    {
        std::ifstream in(m_ws.toStdString() + "/saved_models/" + m_saved.toStdString() + "/model_card.json");
        return nlohmann::json::parse(in);
    }

    nlohmann::json records()
    {
        return nlohmann::json::parse(cli({QStringLiteral("deployed"), QStringLiteral("--json")}).out);
    }

    int blobPosts() const
    {
        int count = 0;
        for (const auto& request : m_server->requests()) {
            if (request.method == QLatin1String("POST") && request.path.startsWith(QLatin1String("/api/blobs/"))) {
                ++count;
            }
        }
        return count;
    }
};

} // namespace

TEST_F(CliDeploy, Deploy_UploadsEachFileOnceSendsTemplateAndRecordsDeployed)
{
    const auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--quantize"), QStringLiteral("q4_K_M"),
                             QStringLiteral("--param"), QStringLiteral("top_k=20")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    const std::string name = QString::fromStdString(deploy.out).trimmed().toStdString();
    EXPECT_EQ(name.rfind(m_saved.toStdString() + "_d_", 0), 0U) << name;
    EXPECT_EQ(name.substr(name.size() - 7), "_q4_K_M");

    // Every file Ollama's client would send, once, with the card's digest.
    std::set<std::string> expected;
    const auto files = card()["files"];
    ASSERT_FALSE(files.empty());
    for (const auto& file : files) {
        const std::string path = file["path"];
        if (path.ends_with(".safetensors") || path.ends_with(".json")) {
            expected.insert("sha256:" + file["sha256"].get<std::string>());
        }
    }
    std::set<std::string> uploaded;
    for (const auto& digest : m_server->uploadedDigests()) {
        EXPECT_TRUE(uploaded.insert(digest.toStdString()).second) << "uploaded twice: " << digest.toStdString();
    }
    EXPECT_EQ(uploaded, expected);

    const auto create = m_server->lastCreateRequest();
    ASSERT_TRUE(create.has_value());
    EXPECT_EQ((*create)["model"], name);
    EXPECT_EQ((*create)["quantize"], "q4_K_M");
    EXPECT_NE((*create)["template"].get<std::string>().find(".Messages"), std::string::npos);
    EXPECT_EQ((*create)["system"], "You are a helpful assistant.");
    EXPECT_EQ((*create)["parameters"]["stop"], nlohmann::json({"<|eot_id|>", "<|end_of_text|>"}));
    EXPECT_EQ((*create)["parameters"]["temperature"], 0.7);
    EXPECT_EQ((*create)["parameters"]["num_ctx"], 2048);
    EXPECT_EQ((*create)["parameters"]["top_k"], 20);
    EXPECT_FALSE((*create).contains("model_card.json"));

    const auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "deployed");
    EXPECT_EQ(list[0]["ollama_name"], name);
    EXPECT_EQ(list[0]["model_digest"].get<std::string>().size(), 64U);

    // Again with q8_0: every blob is already there, nothing is uploaded.
    const int postsBefore = blobPosts();
    const auto again = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--quantize"), QStringLiteral("q8_0")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_EQ(blobPosts(), postsBefore);
    EXPECT_EQ(records().size(), 2U);
}

TEST_F(CliDeploy, BadRequests_AreRefusedBeforeAnyUpload)
{
    auto result = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--quantize"), QStringLiteral("q5_K_M")});
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_NE(result.err.find("q5_K_M"), std::string::npos);
    result = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--name"), QStringLiteral("bad name!")});
    EXPECT_EQ(result.exitCode, 2) << result.err;
    result = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--param"), QStringLiteral("bogus_param=1")});
    EXPECT_EQ(result.exitCode, 2) << result.err;
    EXPECT_TRUE(m_server->requests().isEmpty());
    EXPECT_TRUE(records().empty());
}

TEST_F(CliDeploy, MissingTemplate_IsRefusedWithHowToAddOne)
{
    const QString demo = m_ws + QStringLiteral("/demo");
    ASSERT_EQ(cli({QStringLiteral("base"), QStringLiteral("add"), demo + QStringLiteral("/base"),
                   QStringLiteral("--name"), QStringLiteral("bare")})
                  .exitCode,
              0);
    const auto trained =
        cli({QStringLiteral("trained"), QStringLiteral("add"), demo + QStringLiteral("/adapter"),
             QStringLiteral("--base"), QStringLiteral("bare"), QStringLiteral("--train-name"), QStringLiteral("t")});
    ASSERT_EQ(trained.exitCode, 0) << trained.err;
    const auto save = cli({QStringLiteral("save"), QString::fromStdString(trained.out).trimmed()});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const auto result = cli({QStringLiteral("deploy"), QString::fromStdString(save.out).trimmed()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("base set-template bare"), std::string::npos) << result.err;
    EXPECT_TRUE(m_server->requests().isEmpty());
}

TEST_F(CliDeploy, StoppedServer_FailsNamingTheUrl)
{
    const QString url = m_server->url();
    m_server->setRefuseConnections(true);
    const auto result = cli({QStringLiteral("deploy"), m_saved});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find(url.toStdString().substr(7)), std::string::npos) << result.err;
    const auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "failed");
}

TEST_F(CliDeploy, InlineCreateError_IsShownVerbatimAndRecordedFailed)
{
    const QString text = QStringLiteral("unsupported architecture \"LlamaForCausalLM\"");
    m_server->setCreateErrorAfterLines(1, text);
    m_server->setInlineStreamErrors(true);
    const auto result = cli({QStringLiteral("deploy"), m_saved});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find(text.toStdString()), std::string::npos) << result.err;
    const auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "failed");
    EXPECT_NE(list[0]["message"].get<std::string>().find(text.toStdString()), std::string::npos);
}

TEST_F(CliDeploy, Undeploy_RemovesFromOllamaAndKeepsTheRecord)
{
    const auto deploy =
        cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--name"), QStringLiteral("Demo-Model")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    ASSERT_TRUE(m_server->model(QStringLiteral("demo-model")).has_value());
    auto result = cli({QStringLiteral("undeploy"), QStringLiteral("demo-model:latest")});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_FALSE(m_server->model(QStringLiteral("demo-model")).has_value());
    auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "removed");
    // Deleting the saved model leaves the record alone.
    EXPECT_EQ(cli({QStringLiteral("delete"), m_saved, QStringLiteral("--yes")}).exitCode, 0);
    EXPECT_EQ(records(), list);
}

TEST_F(CliDeploy, Refresh_MarksModelsTheServerNoLongerHas)
{
    const auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--name"), QStringLiteral("gone-soon")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    auto list = nlohmann::json::parse(
        cli({QStringLiteral("deployed"), QStringLiteral("--json"), QStringLiteral("--refresh")}).out);
    EXPECT_TRUE(list[0]["present_on_server"].get<bool>());
    // Removed behind our back (e.g. `ollama rm`).
    const QString stateDir = m_server->stateDir();
    m_server.reset();
    fs::remove_all(stateDir.toStdString() + "/manifests");
    m_server = std::make_unique<FakeOllamaServer>(stateDir);
    ASSERT_TRUE(
        m_server->listen(static_cast<quint16>(QUrl(QString::fromStdString(list[0]["url"].get<std::string>())).port())));
    list = nlohmann::json::parse(
        cli({QStringLiteral("deployed"), QStringLiteral("--json"), QStringLiteral("--refresh")}).out);
    EXPECT_FALSE(list[0]["present_on_server"].get<bool>());
    EXPECT_EQ(list[0]["status"], "deployed");
}

// Issue 12: a realistic base and train name gave an 87-character generated name that deploy refused.
TEST_F(CliDeploy, LongNames_DeployWithAGeneratedNameOfAtMost80Characters)
{
    const QString demo = m_ws + QStringLiteral("/demo");
    ASSERT_EQ(cli({QStringLiteral("base"), QStringLiteral("add"), demo + QStringLiteral("/base"),
                   QStringLiteral("--name"), QStringLiteral("qwen2.5-7b-instruct-base01"), QStringLiteral("--template"),
                   demo + QStringLiteral("/Modelfile.template")})
                  .exitCode,
              0);
    const auto trained = cli({QStringLiteral("trained"), QStringLiteral("add"), demo + QStringLiteral("/adapter"),
                              QStringLiteral("--base"), QStringLiteral("qwen2.5-7b-instruct-base01"),
                              QStringLiteral("--train-name"), QStringLiteral("customer-support-v2-final")});
    ASSERT_EQ(trained.exitCode, 0) << trained.err;
    const auto save = cli({QStringLiteral("save"), QString::fromStdString(trained.out).trimmed()});
    ASSERT_EQ(save.exitCode, 0) << save.err;
    const std::string saved = QString::fromStdString(save.out).trimmed().toStdString();
    ASSERT_EQ(saved.size() + std::string("_d_0000_q4_K_M").size(), 87U) << saved;

    const auto deploy = cli({QStringLiteral("deploy"), QString::fromStdString(saved)});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    const std::string name = QString::fromStdString(deploy.out).trimmed().toStdString();
    EXPECT_EQ(name.size(), 80U) << name;
    // The head of the long part, "--" where its middle was, the saved model's suffix and the deploy suffix whole.
    EXPECT_EQ(name.rfind("qwen2.5-7b-instruct-base01_cu--pport-v2-final_", 0), 0U) << name;
    const std::string savedSuffix = saved.substr(saved.size() - 7);
    const std::size_t suffixAt = name.size() - std::string("_s_0000_d_0000_q4_K_M").size();
    EXPECT_EQ(name.substr(suffixAt, 10), savedSuffix + "_d_") << name;
    EXPECT_EQ(name.substr(name.size() - 7), "_q4_K_M") << name;
    EXPECT_TRUE(m_server->model(QString::fromStdString(name)).has_value());
    const auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "deployed");
    EXPECT_EQ(list[0]["ollama_name"], name);
    EXPECT_FALSE(list[0]["replaced_existing"].get<bool>());
}

TEST_F(CliDeploy, ExistingName_IsRefusedBeforeAnyBlobRequestUnlessReplace)
{
    ASSERT_TRUE(m_server->addModel(QStringLiteral("support-bot")));
    const auto refused =
        cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--name"), QStringLiteral("Support-Bot")});
    EXPECT_EQ(refused.exitCode, 1) << refused.err;
    EXPECT_EQ(errorLineCount(refused.err), 1) << refused.err;
    const std::string hostPort = m_server->url().toStdString().substr(std::string("http://").size());
    EXPECT_NE(refused.err.find(hostPort), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("Support-Bot:latest"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--replace"), std::string::npos) << refused.err;
    int tags = 0;
    for (const auto& request : m_server->requests()) {
        EXPECT_FALSE(request.path.startsWith(QLatin1String("/api/blobs/"))) << request.path.toStdString();
        EXPECT_NE(request.path, QLatin1String("/api/create"));
        tags += request.path == QLatin1String("/api/tags") ? 1 : 0;
    }
    EXPECT_EQ(tags, 1); // the name was checked against the server's list
    auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "failed");
    EXPECT_FALSE(list[0]["replaced_existing"].get<bool>());
    const std::string digestBefore = m_server->model(QStringLiteral("support-bot"))->at("digest").get<std::string>();

    const auto replaced = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--name"),
                               QStringLiteral("Support-Bot"), QStringLiteral("--replace")});
    ASSERT_EQ(replaced.exitCode, 0) << replaced.err;
    EXPECT_GT(blobPosts(), 0);
    EXPECT_NE(m_server->model(QStringLiteral("support-bot"))->at("digest").get<std::string>(), digestBefore);
    list = records();
    ASSERT_EQ(list.size(), 2U);
    for (const auto& record : list) {
        if (record["status"] == "deployed") {
            EXPECT_TRUE(record["replaced_existing"].get<bool>());
        } else {
            EXPECT_EQ(record["status"], "failed");
        }
    }
}

TEST_F(CliDeploy, Replace_OfANameTheServerLacks_IsAnOrdinaryDeploy)
{
    const auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--name"), QStringLiteral("fresh-name"),
                             QStringLiteral("--replace")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    const auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_FALSE(list[0]["replaced_existing"].get<bool>());
}

// Issue 12: a saved model deploys with the template captured at save time, whatever happens to its base afterwards.
TEST_F(CliDeploy, Snapshot_DeploysTheSaveTimeTemplateAfterSetTemplateAndBothRemovals)
{
    const auto saved = card();
    ASSERT_TRUE(saved.contains("deployment_template")) << saved.dump(2);
    const auto snapshot = saved["deployment_template"];
    EXPECT_EQ(snapshot["file"], "deployment_template");
    EXPECT_EQ(snapshot["base_model"], "demo-llama");
    EXPECT_NE(snapshot["source_file"].get<std::string>().find("Modelfile.template"), std::string::npos);
    const fs::path snapshotFile =
        m_ws.toStdString() + "/saved_models/" + m_saved.toStdString() + "/deployment_template";
    ASSERT_TRUE(fs::is_regular_file(snapshotFile));
    bool listed = false;
    for (const auto& file : saved["files"]) {
        if (file["path"] == "deployment_template") {
            listed = true;
            EXPECT_EQ(file["sha256"], snapshot["sha256"]);
            EXPECT_EQ(file["size"].get<std::uint64_t>(), fs::file_size(snapshotFile));
        }
    }
    EXPECT_TRUE(listed);
    EXPECT_EQ(cli({QStringLiteral("verify"), m_saved}).exitCode, 0);
    EXPECT_NE(cli({QStringLiteral("show"), m_saved}).out.find("Captured at save time"), std::string::npos);

    // The base gets another template: --template-from base takes it, the default keeps the snapshot.
    const QString other = m_dir.path() + QStringLiteral("/other.template");
    {
        std::ofstream out(other.toStdString());
        out << "TEMPLATE \"\"\"OTHER {{ .Prompt }}\"\"\"\nSYSTEM \"\"\"Other system.\"\"\"\n";
    }
    ASSERT_EQ(
        cli({QStringLiteral("base"), QStringLiteral("set-template"), QStringLiteral("demo-llama"), other}).exitCode, 0);
    auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--template-from"), QStringLiteral("base"),
                       QStringLiteral("--name"), QStringLiteral("from-base")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    EXPECT_EQ((*m_server->lastCreateRequest())["template"], "OTHER {{ .Prompt }}");
    EXPECT_EQ((*m_server->lastCreateRequest())["system"], "Other system.");

    const auto trainedName = saved["trained_model"]["name"].get<std::string>();
    ASSERT_EQ(cli({QStringLiteral("trained"), QStringLiteral("remove"), QString::fromStdString(trainedName)}).exitCode,
              0);
    ASSERT_EQ(cli({QStringLiteral("base"), QStringLiteral("remove"), QStringLiteral("demo-llama")}).exitCode, 0);
    deploy = cli({QStringLiteral("deploy"), m_saved});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    const auto create = m_server->lastCreateRequest();
    ASSERT_TRUE(create.has_value());
    EXPECT_NE((*create)["template"].get<std::string>().find(".Messages"), std::string::npos);
    EXPECT_EQ((*create)["system"], "You are a helpful assistant.");
    EXPECT_EQ((*create)["parameters"]["num_ctx"], 2048);
    EXPECT_FALSE((*create)["files"].contains("deployment_template")); // ours, never uploaded

    // With the base gone, only the snapshot (or a file) can say how to prompt the model.
    deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--template-from"), QStringLiteral("base")});
    EXPECT_EQ(deploy.exitCode, 1);
    EXPECT_EQ(errorLineCount(deploy.err), 1) << deploy.err;
    EXPECT_NE(deploy.err.find("no longer registered"), std::string::npos) << deploy.err;
    deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--template-from"), QStringLiteral("nowhere")});
    EXPECT_EQ(deploy.exitCode, 2) << deploy.err;
}

TEST_F(CliDeploy, Snapshot_ChangedOnDiskIsRefusedBeforeAnyRequest)
{
    {
        std::ofstream out(m_ws.toStdString() + "/saved_models/" + m_saved.toStdString() + "/deployment_template",
                          std::ios::app);
        out << "PARAMETER temperature 2\n";
    }
    const auto deploy = cli({QStringLiteral("deploy"), m_saved});
    EXPECT_EQ(deploy.exitCode, 1);
    EXPECT_EQ(errorLineCount(deploy.err), 1) << deploy.err;
    EXPECT_NE(deploy.err.find("deployment_template differs"), std::string::npos) << deploy.err;
    EXPECT_TRUE(m_server->requests().isEmpty());
}

// A model saved before snapshots existed: no deployment_template in its card or folder.
TEST_F(CliDeploy, NoSnapshot_DeploysWithTheBaseTemplateAndTheCardSaysSo)
{
    const std::string folder = m_ws.toStdString() + "/saved_models/" + m_saved.toStdString();
    nlohmann::json old = card();
    old.erase("deployment_template");
    old["schema_version"] = "1.0";
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : old["files"]) {
        if (file["path"] != "deployment_template") {
            files.push_back(file);
        }
    }
    old["files"] = files;
    fs::remove(folder + "/deployment_template");
    std::ofstream(folder + "/model_card.json") << old.dump(2) << "\n";

    EXPECT_NE(cli({QStringLiteral("show"), m_saved}).out.find("No Deployment Template File was captured"),
              std::string::npos);
    const auto deploy = cli({QStringLiteral("deploy"), m_saved});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    EXPECT_NE(deploy.err.find("has no template snapshot"), std::string::npos) << deploy.err;
    EXPECT_NE((*m_server->lastCreateRequest())["template"].get<std::string>().find(".Messages"), std::string::npos);
}
