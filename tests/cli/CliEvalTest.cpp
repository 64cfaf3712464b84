// `eval` through the real deepext-cli against the stand-in: two deployments x five prompts give ten result lines, and
// the saved model's card keeps the summary with the result file beside it; bad prompt lines name file and line. A model
// the server already has (--server-model) runs beside a deployment or alone, and one it lacks stops eval before any
// prompt.
#include "CliRunner.h"
#include "SavedDemoOnServer.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using deepext::fake::FakeOllamaServer;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;

namespace {

class CliEval : public deepext::test::SavedDemoOnServer
{
protected:
    void SetUp() override
    {
        SavedDemoOnServer::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        for (const char* quantize : {"q8_0", "q4_K_M"}) {
            m_deployed.append(deploySaved(QString::fromLatin1(quantize)));
        }
    }

    QString writePrompts(const QByteArray& text)
    {
        const QString path = m_dir.filePath(QStringLiteral("prompts.jsonl"));
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
        return path;
    }

    std::string modelFolder() const { return m_ws.toStdString() + "/saved_models/" + m_saved.toStdString(); }

    QStringList m_deployed;
};

std::vector<nlohmann::json> jsonLines(const std::string& text)
{
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

} // namespace

TEST_F(CliEval, TwoDeploymentsFivePromptsTenLinesAndTheCardSummary)
{
    // The second deployment runs on: its replies hit the limit instead of stopping by themselves.
    m_server->setRunOn(m_deployed[1]);
    const QString prompts = writePrompts("{\"prompt\": \"one\", \"expected\": \"You said: one\"}\n"
                                         "{\"prompt\": \"two\", \"system\": \"Be brief.\"}\n"
                                         "\n"
                                         "{\"prompt\": \"three\", \"expected\": \"nowhere\"}\n"
                                         "{\"prompt\": \"four\"}\n"
                                         "{\"prompt\": \"five\"}\n");
    const QString out = m_dir.filePath(QStringLiteral("results.jsonl"));
    const auto result = cli({QStringLiteral("eval"), m_deployed[0], m_deployed[1], QStringLiteral("--prompts"), prompts,
                             QStringLiteral("--out"), out, QStringLiteral("--max-tokens"), QStringLiteral("30")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    std::ifstream in(out.toStdString());
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto lines = jsonLines(text);
    ASSERT_EQ(lines.size(), 10U) << text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        EXPECT_EQ(line["deployment"], m_deployed[static_cast<qsizetype>(i / 5)].toStdString());
        EXPECT_EQ(line["prompt_index"], i % 5);
        EXPECT_EQ(line["done_reason"], i < 5 ? "stop" : "length");
        EXPECT_EQ(line["tokens_per_second"], 100.0);
        EXPECT_EQ(line.contains("contains_expected"), i % 5 == 0 || i % 5 == 2) << line.dump();
    }
    EXPECT_EQ(lines[0]["contains_expected"], true);
    EXPECT_EQ(lines[2]["contains_expected"], false);
    EXPECT_EQ(lines[5]["contains_expected"], true);
    EXPECT_EQ(lines[7]["contains_expected"], false);
    EXPECT_EQ(lines[5]["tokens"], 30);
    // Temperature 0 and a fixed seed on every request.
    for (const auto& request : m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"))) {
        EXPECT_EQ((*request.json)["options"],
                  nlohmann::json::parse(R"({"num_predict":30,"temperature":0.0,"seed":42})"));
    }

    std::ifstream cardIn(modelFolder() + "/model_card.json");
    const auto card = nlohmann::json::parse(cardIn);
    ASSERT_EQ(card["evaluations"].size(), 1U);
    const auto& summary = card["evaluations"][0];
    EXPECT_EQ(summary["deployments"], nlohmann::json({m_deployed[0].toStdString(), m_deployed[1].toStdString()}));
    EXPECT_EQ(summary["prompts"], 5);
    EXPECT_EQ(summary["replies"], 10);
    EXPECT_EQ(summary["stopped_by_itself"], 5);
    EXPECT_EQ(summary["expected_total"], 4);
    EXPECT_EQ(summary["expected_matches"], 2); // prompt 0 on both (the run-on reply says it too), prompt 2 on neither
    EXPECT_EQ(summary["median_tokens_per_second"], 100.0);
    EXPECT_FALSE(summary["when"].get<std::string>().empty());
    std::ifstream kept(modelFolder() + "/" + summary["results"].get<std::string>());
    const std::string keptText{std::istreambuf_iterator<char>(kept), std::istreambuf_iterator<char>()};
    EXPECT_EQ(keptText, text);
    // The result file beside the card is the card's own: verify does not call it unexpected.
    const auto verify = cli({QStringLiteral("verify"), m_saved});
    EXPECT_EQ(verify.exitCode, 0) << verify.out << verify.err;
}

TEST_F(CliEval, BadPromptLinesNameFileAndLine)
{
    const QString prompts = writePrompts("{\"prompt\": \"one\"}\n{\"prompt\": 3}\n");
    const auto result = cli({QStringLiteral("eval"), m_deployed[0], QStringLiteral("--prompts"), prompts});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1);
    EXPECT_NE(result.err.find(prompts.toStdString() + ":2: \"prompt\" must be a string"), std::string::npos)
        << result.err;
    const QString notJson = writePrompts("{\"prompt\": \"one\"}\n\nnot json\n");
    const auto bad = cli({QStringLiteral("eval"), m_deployed[0], QStringLiteral("--prompts"), notJson});
    EXPECT_NE(bad.err.find(notJson.toStdString() + ":3: not a JSON object"), std::string::npos) << bad.err;
    EXPECT_TRUE(m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).isEmpty());
}

TEST_F(CliEval, OneDeploymentAndTheBaseTheServerHasSideBySide)
{
    // The base as the user would have it on the server (ollama pull): not one of our deployments.
    ASSERT_TRUE(m_server->addModel(QStringLiteral("base:latest")));
    const QString prompts = writePrompts("{\"prompt\": \"one\", \"expected\": \"You said: one\"}\n"
                                         "{\"prompt\": \"two\"}\n"
                                         "{\"prompt\": \"three\"}\n");
    const QString out = m_dir.filePath(QStringLiteral("results.jsonl"));
    // No --env: the default environment's server, where the deployment is too.
    const auto result = cli({QStringLiteral("eval"), m_deployed[0], QStringLiteral("--server-model"),
                             QStringLiteral("base"), QStringLiteral("--prompts"), prompts, QStringLiteral("--out"), out,
                             QStringLiteral("--max-tokens"), QStringLiteral("30")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    std::ifstream in(out.toStdString());
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto lines = jsonLines(text);
    ASSERT_EQ(lines.size(), 6U) << text; // 2 targets x 3 prompts
    for (std::size_t i = 0; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i]["deployment"], i < 3 ? m_deployed[0].toStdString() : std::string("base"));
        EXPECT_EQ(lines[i]["prompt_index"], i % 3);
        EXPECT_EQ(lines[i].contains("source"), i >= 3) << lines[i].dump();
        EXPECT_EQ(lines[i]["done_reason"], "stop");
    }
    EXPECT_EQ(lines[3]["source"], "server");
    EXPECT_EQ(lines[3]["reply"], "Hello from base. You said: one");
    EXPECT_EQ(lines[3]["contains_expected"], true);
    const auto chats = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(chats.size(), 6);
    EXPECT_EQ((*chats[3].json)["model"], "base");

    // The fine-tune's card names both, and which one was the server's own.
    std::ifstream cardIn(modelFolder() + "/model_card.json");
    const auto card = nlohmann::json::parse(cardIn);
    ASSERT_EQ(card["evaluations"].size(), 1U);
    const auto& summary = card["evaluations"][0];
    EXPECT_EQ(summary["deployments"], nlohmann::json({m_deployed[0].toStdString(), "base"}));
    EXPECT_EQ(summary["server_models"], nlohmann::json({"base"}));
    EXPECT_EQ(summary["replies"], 6);
    std::ifstream kept(modelFolder() + "/" + summary["results"].get<std::string>());
    const std::string keptText{std::istreambuf_iterator<char>(kept), std::istreambuf_iterator<char>()};
    EXPECT_EQ(keptText, text);
}

TEST_F(CliEval, AServerModelTheServerLacksIsRefusedBeforeAnyPrompt)
{
    const QString prompts = writePrompts("{\"prompt\": \"one\"}\n");
    const QString out = m_dir.filePath(QStringLiteral("results.jsonl"));
    const auto result = cli({QStringLiteral("eval"), m_deployed[0], QStringLiteral("--server-model"),
                             QStringLiteral("no-such-base"), QStringLiteral("--env"), QStringLiteral("local"),
                             QStringLiteral("--prompts"), prompts, QStringLiteral("--out"), out});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("the server " + m_server->url().toStdString() +
                              " (environment local) has no model named no-such-base"),
              std::string::npos)
        << result.err;
    // It lists what the server has: our two deployments.
    EXPECT_NE(result.err.find("it has: "), std::string::npos) << result.err;
    for (const QString& deployed : m_deployed) {
        EXPECT_NE(result.err.find(deployed.toStdString()), std::string::npos) << result.err;
    }
    EXPECT_EQ(m_server->requests(QStringLiteral("GET"), QStringLiteral("/api/tags")).size() > 0, true);
    EXPECT_TRUE(m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).isEmpty());
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_FALSE(QFile::exists(out));
    std::ifstream cardIn(modelFolder() + "/model_card.json");
    EXPECT_FALSE(nlohmann::json::parse(cardIn).contains("evaluations"));
}

TEST_F(CliEval, AServerModelAloneIsEvaluatedAndKeptInNoCard)
{
    ASSERT_TRUE(m_server->addModel(QStringLiteral("base:latest")));
    const QString prompts = writePrompts("{\"prompt\": \"one\"}\n{\"prompt\": \"two\"}\n");
    const auto result = cli({QStringLiteral("eval"), QStringLiteral("--server-model"), QStringLiteral("base"),
                             QStringLiteral("--env"), QStringLiteral("local"), QStringLiteral("--prompts"), prompts});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto lines = jsonLines(result.out);
    ASSERT_EQ(lines.size(), 2U) << result.out;
    for (const auto& line : lines) {
        EXPECT_EQ(line["deployment"], "base");
        EXPECT_EQ(line["source"], "server");
    }
    EXPECT_NE(result.err.find("no saved model's card keeps the summary"), std::string::npos) << result.err;
    std::ifstream cardIn(modelFolder() + "/model_card.json");
    EXPECT_FALSE(nlohmann::json::parse(cardIn).contains("evaluations"));
}

TEST_F(CliEval, ServerModelUsageAndAServerThatDoesNotAnswer)
{
    const QString prompts = writePrompts("{\"prompt\": \"one\"}\n");
    // Nothing to evaluate.
    const auto none = cli({QStringLiteral("eval"), QStringLiteral("--prompts"), prompts});
    EXPECT_EQ(none.exitCode, 2) << none.err;
    EXPECT_NE(none.err.find("--server-model"), std::string::npos) << none.err;
    // --env alone says nothing about a deployment, which has its own server.
    const auto envAlone = cli({QStringLiteral("eval"), m_deployed[0], QStringLiteral("--env"), QStringLiteral("local"),
                               QStringLiteral("--prompts"), prompts});
    EXPECT_EQ(envAlone.exitCode, 2) << envAlone.err;
    const auto unknownEnv =
        cli({QStringLiteral("eval"), QStringLiteral("--server-model"), QStringLiteral("base"), QStringLiteral("--env"),
             QStringLiteral("nowhere"), QStringLiteral("--prompts"), prompts});
    EXPECT_EQ(unknownEnv.exitCode, 1);
    EXPECT_NE(unknownEnv.err.find("no environment named 'nowhere'"), std::string::npos) << unknownEnv.err;

    m_server->setRefuseConnections(true);
    const auto down = cli({QStringLiteral("eval"), m_deployed[0], QStringLiteral("--server-model"),
                           QStringLiteral("base"), QStringLiteral("--prompts"), prompts});
    EXPECT_EQ(down.exitCode, 1);
    EXPECT_EQ(errorLineCount(down.err), 1) << down.err;
    EXPECT_NE(down.err.find("cannot list the models of " + m_server->url().toStdString()), std::string::npos)
        << down.err;
    EXPECT_TRUE(down.out.empty());
}
