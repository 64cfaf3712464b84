// Models a server already has, as evaluation targets: ServerChoice picks the server as deploy does (an environment by
// name, else the default, else OLLAMA_HOST), ServerModelList lists the stand-in's /api/tags on the event loop, turns
// names into targets with no saved model, refuses a name the server lacks (naming the server and what it has), and
// says so when the server does not answer.
#include "deepext/workflow/ServerModelList.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/ServerChoice.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <optional>

using namespace deepext;

namespace {

// OLLAMA_HOST as a test sets it, restored afterwards.
class OllamaHostVariable
{
public:
    explicit OllamaHostVariable(const QByteArray& value)
        : m_old(qEnvironmentVariableIsSet("OLLAMA_HOST") ? std::optional<QByteArray>(qgetenv("OLLAMA_HOST"))
                                                         : std::nullopt)
    {
        qputenv("OLLAMA_HOST", value);
    }
    ~OllamaHostVariable()
    {
        if (m_old) {
            qputenv("OLLAMA_HOST", *m_old);
        } else {
            qunsetenv("OLLAMA_HOST");
        }
    }
    OllamaHostVariable(const OllamaHostVariable&) = delete;
    OllamaHostVariable& operator=(const OllamaHostVariable&) = delete;

private:
    std::optional<QByteArray> m_old;
};

class ServerModelListTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        ASSERT_TRUE(m_server.addModel(QStringLiteral("base:latest")));
        ASSERT_TRUE(m_server.addModel(QStringLiteral("other:7b")));
        m_workspace.addEnvironment({"fake", m_server.url().toStdString(), ""}, false);
    }

    // Lists the models of environment "fake" and waits for the answer.
    bool list(ServerModelList& models)
    {
        models.start();
        return QTest::qWaitFor([&] { return models.isFinished(); }, 20000);
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    QNetworkAccessManager m_network;
};

} // namespace

TEST_F(ServerModelListTest, ServerChoiceFollowsDeploy)
{
    const OllamaHostVariable host("127.0.0.1:5999");
    // No environment at all: OLLAMA_HOST.
    const Workspace bare = Workspace::open(m_dir.path().toStdString() + "/bare");
    const ServerChoice fallback = ServerChoice::resolve(bare, "");
    EXPECT_EQ(fallback.environment(), "");
    EXPECT_EQ(fallback.url(), "http://127.0.0.1:5999");
    // By name.
    const ServerChoice named = ServerChoice::resolve(m_workspace, "fake");
    EXPECT_EQ(named.environment(), "fake");
    EXPECT_EQ(named.url(), m_server.url().toStdString());
    // The default environment (the first one added is, until another is made the default).
    EXPECT_EQ(ServerChoice::resolve(m_workspace, "").environment(), "fake");
    m_workspace.addEnvironment({"other", "http://127.0.0.1:6000", "/ca.pem"}, true);
    const ServerChoice byDefault = ServerChoice::resolve(m_workspace, "");
    EXPECT_EQ(byDefault.environment(), "other");
    EXPECT_EQ(byDefault.url(), "http://127.0.0.1:6000");
    EXPECT_EQ(byDefault.caFile(), "/ca.pem");
    try {
        ServerChoice::resolve(m_workspace, "nowhere");
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(error.message(), "no environment named 'nowhere' (see 'deepext-cli env list')");
    }
}

TEST_F(ServerModelListTest, ListsTheServersModelsAndMakesTargetsWithoutASavedModel)
{
    ServerModelList models(&m_network, ServerChoice::resolve(m_workspace, "fake"));
    QSignalSpy finished(&models, &ServerModelList::finished);
    ASSERT_TRUE(list(models));
    ASSERT_TRUE(models.ok()) << models.error().toStdString();
    ASSERT_EQ(finished.size(), 1);
    EXPECT_TRUE(finished[0][0].toBool());
    std::vector<std::string> names = models.names();
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"base:latest", "other:7b"}));
    EXPECT_TRUE(models.has("base"));
    EXPECT_TRUE(models.has("BASE:latest")); // Ollama matches names ignoring case
    EXPECT_FALSE(models.has("other"));      // other:latest is not other:7b

    const auto targets = models.targets({"base", "other:7b"});
    ASSERT_EQ(targets.size(), 2U);
    EXPECT_TRUE(targets[0].isServerModel());
    EXPECT_EQ(targets[0].record().ollamaName, "base");
    EXPECT_EQ(targets[0].record().savedModel, "");
    EXPECT_EQ(targets[0].record().url, m_server.url().toStdString());
    EXPECT_EQ(targets[0].record().environment, "fake");
    EXPECT_EQ(targets[1].record().ollamaName, "other:7b");
    EXPECT_EQ(m_server.requests(QStringLiteral("GET"), QStringLiteral("/api/tags")).size(), 1);
}

TEST_F(ServerModelListTest, ANameTheServerLacksIsRefusedNamingTheServerAndWhatItHas)
{
    ServerModelList models(&m_network, ServerChoice::resolve(m_workspace, "fake"));
    ASSERT_TRUE(list(models));
    ASSERT_TRUE(models.ok());
    try {
        models.targets({"base", "missing"});
        FAIL() << "no error";
    } catch (const Error& error) {
        const std::string message = error.message();
        EXPECT_NE(message.find("the server " + m_server.url().toStdString() +
                               " (environment fake) has no model named missing"),
                  std::string::npos)
            << message;
        EXPECT_NE(message.find("base:latest"), std::string::npos) << message;
        EXPECT_NE(message.find("other:7b"), std::string::npos) << message;
    }
}

TEST_F(ServerModelListTest, AServerThatDoesNotAnswerIsAClearError)
{
    m_server.setRefuseConnections(true);
    ServerModelList models(&m_network, ServerChoice::resolve(m_workspace, "fake"));
    QSignalSpy finished(&models, &ServerModelList::finished);
    ASSERT_TRUE(list(models));
    EXPECT_FALSE(models.ok());
    ASSERT_EQ(finished.size(), 1);
    EXPECT_FALSE(finished[0][0].toBool());
    EXPECT_NE(models.error().toStdString().find(m_server.url().toStdString()), std::string::npos)
        << models.error().toStdString();
    EXPECT_TRUE(models.names().empty());
    EXPECT_THROW(models.targets({"base"}), Error);
}

TEST_F(ServerModelListTest, AnUnusableCaFileIsReportedFromTheEventLoop)
{
    const std::string badCa = m_dir.filePath(QStringLiteral("not-a-ca.pem")).toStdString();
    m_workspace.addEnvironment({"tls", "https://127.0.0.1:1", badCa}, false);
    ServerModelList models(&m_network, ServerChoice::resolve(m_workspace, "tls"));
    QSignalSpy finished(&models, &ServerModelList::finished);
    models.start();
    EXPECT_EQ(finished.size(), 0); // not from inside start()
    ASSERT_TRUE(QTest::qWaitFor([&] { return models.isFinished(); }, 5000));
    EXPECT_FALSE(models.ok());
    EXPECT_NE(models.error().toStdString().find("not-a-ca.pem"), std::string::npos) << models.error().toStdString();
}
