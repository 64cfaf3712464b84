// https environments against the stand-in served over TLS (QSslServer) with a private CA, and what the logs must
// never hold: a password from a server URL, or a request body.
#include "CliRunner.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>

using deepext::fake::FakeOllamaServer;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;

namespace {

const QString kTls = QStringLiteral(DEEPEXT_TEST_DATA_DIR "/tls/");

class CliTls : public ::testing::Test
{
protected:
    void SetUp() override
    {
        m_ws = m_dir.path() + QStringLiteral("/ws");
        m_server = std::make_unique<FakeOllamaServer>(m_dir.path() + QStringLiteral("/ollama"));
        const auto demo = cli({QStringLiteral("demo")});
        ASSERT_EQ(demo.exitCode, 0) << demo.err;
        const auto save = cli({QStringLiteral("save"), QString::fromStdString(demo.out).trimmed()});
        ASSERT_EQ(save.exitCode, 0) << save.err;
        m_saved = QString::fromStdString(save.out).trimmed();
    }

    CliResult cli(QStringList args) { return runCli(QStringList{QStringLiteral("--workspace"), m_ws} + args); }

    void serveTls()
    {
        QString error;
        ASSERT_TRUE(m_server->setTls(kTls + QStringLiteral("server.pem"), kTls + QStringLiteral("server.key"), &error))
            << error.toStdString();
        ASSERT_TRUE(m_server->listen());
        ASSERT_TRUE(m_server->url().startsWith(QLatin1String("https://127.0.0.1:")));
    }

    void addEnvironment(const QString& name, const QString& url, const QString& caFile = {})
    {
        QStringList args{QStringLiteral("env"), QStringLiteral("add"), name, QStringLiteral("--url"), url};
        if (!caFile.isEmpty()) {
            args << QStringLiteral("--ca-file") << caFile;
        }
        const auto added = cli(args);
        ASSERT_EQ(added.exitCode, 0) << added.err;
    }

    nlohmann::json records()
    {
        return nlohmann::json::parse(cli({QStringLiteral("deployed"), QStringLiteral("--json")}).out);
    }

    std::string log() const
    {
        std::ifstream in(m_ws.toStdString() + "/logs/deepext.log");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    QTemporaryDir m_dir;
    QString m_ws;
    QString m_saved;
    std::unique_ptr<FakeOllamaServer> m_server;
};

} // namespace

TEST_F(CliTls, HttpsEnvironmentWithItsCaFile_DeploysOverTls)
{
    serveTls();
    addEnvironment(QStringLiteral("secure"), m_server->url(), kTls + QStringLiteral("ca.pem"));
    const auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--env"), QStringLiteral("secure")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    const std::string name = QString::fromStdString(deploy.out).trimmed().toStdString();
    ASSERT_TRUE(m_server->lastCreateRequest().has_value());
    EXPECT_EQ((*m_server->lastCreateRequest())["model"], name);
    EXPECT_FALSE(m_server->uploadedDigests().isEmpty());
    const auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "deployed");
    EXPECT_EQ(list[0]["url"], m_server->url().toStdString());

    // The other commands that talk to the server use the environment's CA too.
    const auto refresh = cli({QStringLiteral("deployed"), QStringLiteral("--refresh")});
    EXPECT_EQ(refresh.exitCode, 0) << refresh.err;
    const auto undeploy = cli({QStringLiteral("undeploy"), QString::fromStdString(name)});
    EXPECT_EQ(undeploy.exitCode, 0) << undeploy.err;
    EXPECT_EQ(records()[0]["status"], "removed");
}

TEST_F(CliTls, HttpsWithoutTheRightCa_FailsNamingTheCertificateAndUploadsNothing)
{
    serveTls();
    addEnvironment(QStringLiteral("untrusted"), m_server->url());
    addEnvironment(QStringLiteral("wrong-ca"), m_server->url(), kTls + QStringLiteral("other-ca.pem"));
    for (const char* env : {"untrusted", "wrong-ca"}) {
        SCOPED_TRACE(env);
        const auto deploy = cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--env"), QString::fromLatin1(env)});
        EXPECT_EQ(deploy.exitCode, 1) << deploy.err;
        EXPECT_EQ(errorLineCount(deploy.err), 1) << deploy.err;
        EXPECT_NE(deploy.err.find(m_server->url().toStdString()), std::string::npos) << deploy.err;
        EXPECT_NE(deploy.err.find("certificate"), std::string::npos) << deploy.err;
        EXPECT_NE(deploy.err.find("CA file"), std::string::npos) << deploy.err;
    }
    EXPECT_TRUE(m_server->uploadedDigests().isEmpty());
    EXPECT_FALSE(m_server->lastCreateRequest().has_value());
    for (const auto& record : records()) {
        EXPECT_EQ(record["status"], "failed") << record.dump();
    }
}

TEST_F(CliTls, LogsHoldNeitherThePasswordOfAServerUrlNorRequestBodies)
{
    ASSERT_TRUE(m_server->listen());
    const QString port = QString::number(m_server->port());
    addEnvironment(QStringLiteral("with-password"), QStringLiteral("http://deployer:s3cret-pass@127.0.0.1:") + port);
    const auto deploy =
        cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--env"), QStringLiteral("with-password"),
             QStringLiteral("--system"), QStringLiteral("A system prompt that stays private")});
    ASSERT_EQ(deploy.exitCode, 0) << deploy.err;
    // A failing call logs its server too.
    m_server->setHtmlResponses(true);
    EXPECT_EQ(
        cli({QStringLiteral("deploy"), m_saved, QStringLiteral("--env"), QStringLiteral("with-password")}).exitCode, 1);

    const std::string text = log();
    ASSERT_NE(text.find("deploying " + m_saved.toStdString() + " to http://deployer@127.0.0.1:" + port.toStdString()),
              std::string::npos)
        << "the deploy is logged, with the server's user but not its password:\n"
        << text;
    EXPECT_EQ(text.find("s3cret-pass"), std::string::npos) << text;
    EXPECT_EQ(text.find("A system prompt that stays private"), std::string::npos) << text;
    EXPECT_EQ(text.find("\"parameters\""), std::string::npos) << text;
    EXPECT_EQ(deploy.err.find("s3cret-pass"), std::string::npos) << deploy.err;
}
