// `try` through the real deepext-cli against the stand-in Ollama server: streaming, --json, stdin, clear errors for
// an unknown deployment and a model deleted from the server, and Ctrl+C mid-stream.
#include "CliRunner.h"
#include "SavedDemoOnServer.h"
#include "deepext/ollama/OllamaClient.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>

using deepext::fake::FakeOllamaServer;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;

namespace {

class CliTry : public deepext::test::SavedDemoOnServer
{
protected:
    void SetUp() override
    {
        SavedDemoOnServer::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        m_deployed = deploySaved(QStringLiteral("q8_0"));
    }

    QStringList tryArgs(QStringList extra) const
    {
        return QStringList{QStringLiteral("--workspace"), m_ws, QStringLiteral("try"), m_deployed} + extra;
    }

    QString m_deployed;
};

} // namespace

TEST_F(CliTry, StreamsTheReplyAndSendsTheOptions)
{
    const auto result =
        runCli(tryArgs({QStringLiteral("--prompt"), QStringLiteral("hi there"), QStringLiteral("--system"),
                        QStringLiteral("Be brief."), QStringLiteral("--max-tokens"), QStringLiteral("32"),
                        QStringLiteral("--temperature"), QStringLiteral("0")}));
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const std::string model = m_deployed.section(u':', 0, 0).toStdString();
    EXPECT_EQ(result.out, "Hello from " + model + ". (Be brief.) You said: hi there\n");
    EXPECT_NE(result.err.find("done: stop, 9 tokens, 100.0 tokens/s"), std::string::npos) << result.err;
    const auto sent = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(sent.size(), 1);
    EXPECT_EQ((*sent[0].json)["model"], m_deployed.toStdString());
    EXPECT_EQ((*sent[0].json)["options"], nlohmann::json::parse(R"({"num_predict":32,"temperature":0.0})"));
    EXPECT_EQ((*sent[0].json)["messages"][0]["role"], "system");
}

TEST_F(CliTry, JsonGivesReplyDoneReasonAndMetrics)
{
    m_server->setRunOn(m_deployed);
    const auto result = runCli(tryArgs({QStringLiteral("--prompt"), QStringLiteral("hi"), QStringLiteral("--json"),
                                        QStringLiteral("--max-tokens"), QStringLiteral("12")}));
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    EXPECT_EQ(json["deployment"], m_deployed.toStdString());
    EXPECT_EQ(json["done_reason"], "length");
    EXPECT_EQ(json["stopped_by_itself"], false);
    EXPECT_EQ(json["metrics"]["eval_count"], 12);
    EXPECT_DOUBLE_EQ(json["metrics"]["tokens_per_second"].get<double>(), 100.0);
    EXPECT_TRUE(json["reply"].get<std::string>().starts_with("Hello from "));
    // Hitting the limit is worth a warning that names where stop parameters live.
    EXPECT_NE(result.err.find("Deployment Template File"), std::string::npos) << result.err;
}

TEST_F(CliTry, ReadsThePromptFromStdin)
{
    QProcess process;
    process.start(QStringLiteral(DEEPEXT_CLI_PATH), tryArgs({}));
    ASSERT_TRUE(process.waitForStarted());
    process.write("from stdin\n");
    process.closeWriteChannel();
    ASSERT_TRUE(process.waitForFinished(60000));
    EXPECT_EQ(process.exitCode(), 0) << process.readAllStandardError().toStdString();
    EXPECT_TRUE(process.readAllStandardOutput().endsWith("You said: from stdin\n"));

    const auto empty = runCli(tryArgs({}));
    EXPECT_EQ(empty.exitCode, 2);
    EXPECT_NE(empty.err.find("--prompt"), std::string::npos) << empty.err;
}

TEST_F(CliTry, UnknownDeploymentAndDeletedModelAreClearErrors)
{
    const auto unknown =
        cli({QStringLiteral("try"), QStringLiteral("nobody"), QStringLiteral("--prompt"), QStringLiteral("hi")});
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_EQ(errorLineCount(unknown.err), 1);
    EXPECT_NE(unknown.err.find("no deployment named nobody"), std::string::npos) << unknown.err;
    EXPECT_NE(unknown.err.find(m_deployed.toStdString()), std::string::npos) << unknown.err;
    EXPECT_TRUE(m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).isEmpty());

    // Deleted behind our back (ollama rm): Ollama's own words, the server, and what to do.
    {
        QNetworkAccessManager network;
        deepext::ollama::OllamaClient client(&network, QUrl(m_server->url()));
        deepext::ollama::OllamaCall* call = client.deleteModel(m_deployed);
        QEventLoop loop;
        QObject::connect(call, &deepext::ollama::OllamaCall::finished, &loop, &QEventLoop::quit);
        loop.exec();
        ASSERT_TRUE(call->result().ok()) << call->result().message.toStdString();
        ASSERT_EQ(call->result().json["deleted"], true);
    }
    const auto gone = runCli(tryArgs({QStringLiteral("--prompt"), QStringLiteral("hi")}));
    EXPECT_EQ(gone.exitCode, 1);
    EXPECT_EQ(errorLineCount(gone.err), 1) << gone.err;
    EXPECT_NE(gone.err.find("model '" + m_deployed.toStdString() + "' not found"), std::string::npos) << gone.err;
    EXPECT_NE(gone.err.find(m_server->url().toStdString()), std::string::npos) << gone.err;
    EXPECT_NE(gone.err.find("deleted"), std::string::npos) << gone.err;
}

TEST_F(CliTry, CtrlCEndsTheStreamCleanly)
{
    m_server->setRunOn(m_deployed);
    m_server->setTokenDelay(std::chrono::milliseconds(30));
    QProcess process;
    process.start(QStringLiteral(DEEPEXT_CLI_PATH),
                  tryArgs({QStringLiteral("--prompt"), QStringLiteral("hi"), QStringLiteral("--max-tokens"),
                           QStringLiteral("100000")}));
    ASSERT_TRUE(process.waitForStarted());
    QByteArray out;
    QElapsedTimer clock;
    clock.start();
    while (!out.contains("so on.") && clock.elapsed() < 30000) {
        process.waitForReadyRead(200);
        out += process.readAllStandardOutput();
    }
    ASSERT_TRUE(out.contains("so on.")) << out.toStdString();
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    ASSERT_TRUE(process.waitForFinished(10000));
    EXPECT_EQ(process.exitStatus(), QProcess::NormalExit);
    EXPECT_EQ(process.exitCode(), 1);
    out += process.readAllStandardOutput();
    EXPECT_TRUE(out.endsWith('\n'));
    const std::string err = process.readAllStandardError().toStdString();
    EXPECT_NE(err.find("stopped by the user"), std::string::npos) << err;
    // The server saw the connection go.
    const auto sent = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(sent.size(), 1);
    EXPECT_TRUE(sent[0].aborted);
}

TEST_F(CliTry, DeployCheckRecordsOkOrDidNotStopAndNeverFailsTheDeploy)
{
    const QString saved = QString::fromStdString(
        nlohmann::json::parse(cli({QStringLiteral("deployed"), QStringLiteral("--json")}).out)[0]["saved_model"]
            .get<std::string>());
    const auto ok = cli({QStringLiteral("deploy"), saved, QStringLiteral("--quantize"), QStringLiteral("q4_K_M"),
                         QStringLiteral("--check")});
    ASSERT_EQ(ok.exitCode, 0) << ok.err;
    EXPECT_NE(ok.err.find("check: ok"), std::string::npos) << ok.err;
    const auto checks = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(checks.size(), 1);
    EXPECT_EQ((*checks[0].json)["options"], nlohmann::json::parse(R"({"num_predict":64,"temperature":0.0,"seed":42})"));

    // Every model runs on: the deploy still succeeds, the warning names the end-of-turn token and stop parameters.
    m_server->setRunOn(QString());
    const auto runOn = cli({QStringLiteral("deploy"), saved, QStringLiteral("--quantize"),
                            QStringLiteral("no_quantization"), QStringLiteral("--check")});
    ASSERT_EQ(runOn.exitCode, 0) << runOn.err;
    EXPECT_NE(runOn.err.find("check: did_not_stop"), std::string::npos) << runOn.err;
    EXPECT_NE(runOn.err.find("<|eot_id|>"), std::string::npos) << runOn.err;
    EXPECT_NE(runOn.err.find("Deployment Template File"), std::string::npos) << runOn.err;

    const auto records = nlohmann::json::parse(cli({QStringLiteral("deployed"), QStringLiteral("--json")}).out);
    ASSERT_EQ(records.size(), 3U);
    EXPECT_EQ(records[0]["check"], "");
    EXPECT_EQ(records[1]["check"], "ok");
    EXPECT_EQ(records[2]["check"], "did_not_stop");
    EXPECT_EQ(records[2]["status"], "deployed");
    EXPECT_NE(records[2]["check_message"].get<std::string>().find("did not stop by itself"), std::string::npos);
}
