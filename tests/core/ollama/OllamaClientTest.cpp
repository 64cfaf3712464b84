#include "deepext/ollama/OllamaClient.h"

#include "CannedServer.h"
#include "OllamaTestModel.h"
#include "deepext/base/Error.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using deepext::fake::FakeOllamaServer;
using deepext::ollama::OllamaCall;
using deepext::ollama::OllamaClient;
using deepext::ollama::OllamaResult;
using deepext::ollama::OllamaTimeouts;
using namespace deepext::ollama::testing;
using Kind = OllamaResult::ErrorKind;
using deepext::test::CannedServer;

namespace {

class OllamaClientTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_state.isValid());
        m_server = std::make_unique<FakeOllamaServer>(m_state.path());
        ASSERT_TRUE(m_server->listen(0));
        m_client = std::make_unique<OllamaClient>(&m_network, QUrl(m_server->url()));
    }

    // Waits for the call's result.
    OllamaResult run(OllamaCall* call, int timeoutMs = 30000)
    {
        bool done = false;
        OllamaResult result;
        QObject::connect(call, &OllamaCall::finished, [&](const OllamaResult& r) {
            result = r;
            done = true;
        });
        EXPECT_TRUE(waitFor([&] { return done; }, timeoutMs)) << call->description().toStdString();
        return result;
    }

    QTemporaryDir m_state;
    QNetworkAccessManager m_network;
    std::unique_ptr<FakeOllamaServer> m_server;
    std::unique_ptr<OllamaClient> m_client;
};

} // namespace

TEST_F(OllamaClientTest, VersionAndTestConnection)
{
    const OllamaResult version = run(m_client->version());
    ASSERT_TRUE(version.ok()) << version.message.toStdString();
    EXPECT_EQ(version.json["version"], "0.33.0-rc2");
    const OllamaResult test = run(m_client->testConnection());
    ASSERT_TRUE(test.ok());
    EXPECT_EQ(test.message.toStdString(), "Ollama 0.33.0-rc2 is running at " + m_server->url().toStdString());

    m_server->setVersion(QStringLiteral("0.5.4"));
    const OllamaResult old = run(m_client->testConnection());
    EXPECT_FALSE(old.ok());
    EXPECT_NE(old.message.indexOf(QStringLiteral("upgrade Ollama to 0.5.5")), -1) << old.message.toStdString();
}

TEST_F(OllamaClientTest, ConnectionRefusedNamesTheUrl)
{
    const QString url = m_server->url();
    m_server->close();
    const OllamaResult result = run(m_client->version());
    EXPECT_EQ(result.errorKind, Kind::ConnectionRefused);
    EXPECT_EQ(
        result.message,
        QStringLiteral("Could not connect to Ollama at %1: connection refused. Is Ollama running at %1?").arg(url));
}

TEST_F(OllamaClientTest, HtmlIsNotOllama)
{
    m_server->setHtmlResponses(true);
    const OllamaResult version = run(m_client->version());
    EXPECT_EQ(version.errorKind, Kind::NotOllama);
    EXPECT_NE(version.message.indexOf(m_server->url()), -1);
    EXPECT_EQ(run(m_client->headBlob(QStringLiteral("sha256:") + QString(64, u'a'))).errorKind, Kind::NotOllama);
    EXPECT_EQ(run(m_client->create({{"model", "x"}, {"files", {{"a.safetensors", "sha256:00"}}}})).errorKind,
              Kind::NotOllama);
}

TEST_F(OllamaClientTest, HostCheckExplainsWhatToDo)
{
    CannedServer canned("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    OllamaClient client(&m_network, canned.url());
    const OllamaResult result = run(client.version());
    EXPECT_EQ(result.errorKind, Kind::HostCheck);
    EXPECT_EQ(result.httpStatus, 403);
    EXPECT_NE(result.message.indexOf(client.serverDisplay()), -1);
    EXPECT_NE(result.message.indexOf(QStringLiteral("OLLAMA_HOST")), -1);
    EXPECT_NE(result.message.indexOf(QStringLiteral("OLLAMA_ORIGINS")), -1);
    EXPECT_NE(result.message.indexOf(QStringLiteral("Host header")), -1);
}

TEST_F(OllamaClientTest, SilentServerTimesOut)
{
    CannedServer silent{QByteArray()};
    OllamaClient client(&m_network, silent.url());
    client.setTimeouts({std::chrono::milliseconds(300), std::chrono::seconds(60)});
    QElapsedTimer timer;
    timer.start();
    const OllamaResult result = run(client.tags());
    EXPECT_EQ(result.errorKind, Kind::Timeout);
    EXPECT_NE(result.message.indexOf(client.serverDisplay()), -1) << result.message.toStdString();
    EXPECT_LT(timer.elapsed(), 5000);
}

TEST_F(OllamaClientTest, BlobsHeadAndUpload)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("blob.bin"));
    writeFile(file, QByteArray(300000, 'x'));
    const QString digest = *OllamaClient::blobDigest(deepext::Sha256::ofFile(file.toStdString()));

    EXPECT_EQ(run(m_client->headBlob(digest)).json["exists"], false);
    OllamaCall* post = m_client->postBlob(digest, file);
    qint64 lastSent = 0;
    QObject::connect(post, &OllamaCall::progress, [&](qint64 sent, qint64) { lastSent = sent; });
    const OllamaResult uploaded = run(post);
    ASSERT_TRUE(uploaded.ok()) << uploaded.message.toStdString();
    EXPECT_EQ(uploaded.httpStatus, 201);
    EXPECT_EQ(lastSent, 300000);
    EXPECT_TRUE(m_server->hasBlob(digest));
    EXPECT_EQ(run(m_client->headBlob(digest)).json["exists"], true);

    // A wrong digest: the server's own text, verbatim.
    const QString wrong = QStringLiteral("sha256:") + QString(64, u'0');
    const OllamaResult mismatch = run(m_client->postBlob(wrong, file));
    EXPECT_EQ(mismatch.errorKind, Kind::Http);
    EXPECT_EQ(mismatch.httpStatus, 400);
    EXPECT_EQ(mismatch.serverMessage,
              QStringLiteral("digest mismatch, expected \"%1\", got \"%2\"").arg(wrong, digest));
}

TEST_F(OllamaClientTest, MissingFileFailsWithoutTheNetwork)
{
    const OllamaResult result =
        run(m_client->postBlob(QStringLiteral("sha256:") + QString(64, u'a'), QStringLiteral("/nonexistent/file.bin")));
    EXPECT_EQ(result.errorKind, Kind::LocalFile);
    EXPECT_TRUE(m_server->requests().isEmpty());
}

TEST_F(OllamaClientTest, BlobDigestForm)
{
    const std::string hex(64, 'A');
    EXPECT_EQ(OllamaClient::blobDigest(hex)->toStdString(), "sha256:" + std::string(64, 'a'));
    EXPECT_EQ(OllamaClient::blobDigest("sha256-" + hex)->toStdString(), "sha256:" + std::string(64, 'a'));
    EXPECT_FALSE(OllamaClient::blobDigest("abc").has_value());
    EXPECT_FALSE(OllamaClient::blobDigest(std::string(64, 'g')).has_value());
}

TEST_F(OllamaClientTest, UploadStallTimesOut)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("big.bin"));
    writeFile(file, QByteArray(8 * 1024 * 1024, 'y'));
    const QString digest = *OllamaClient::blobDigest(deepext::Sha256::ofFile(file.toStdString()));
    m_server->setStallUploadAfter(1024 * 1024);
    m_client->setTimeouts({std::chrono::seconds(5), std::chrono::milliseconds(800)});
    const OllamaResult result = run(m_client->postBlob(digest, file));
    EXPECT_EQ(result.errorKind, Kind::Timeout);
    EXPECT_NE(result.message.indexOf(QStringLiteral("stalled")), -1) << result.message.toStdString();
    EXPECT_NE(result.message.indexOf(m_server->url()), -1);
    m_server->releaseStalledUploads();
}

TEST_F(OllamaClientTest, DeleteAndShow)
{
    ASSERT_TRUE(m_server->addModel(QStringLiteral("mario")));
    const OllamaResult shown = run(m_client->show(QStringLiteral("Mario")));
    ASSERT_TRUE(shown.ok()) << shown.message.toStdString();
    EXPECT_TRUE(shown.json.contains("details"));
    const OllamaResult deleted = run(m_client->deleteModel(QStringLiteral("mario")));
    ASSERT_TRUE(deleted.ok()) << deleted.message.toStdString();
    EXPECT_EQ(deleted.json["deleted"], true);
    const OllamaResult again = run(m_client->deleteModel(QStringLiteral("mario")));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.json["deleted"], false);
    const OllamaResult missing = run(m_client->show(QStringLiteral("mario")));
    EXPECT_EQ(missing.httpStatus, 404);
    EXPECT_EQ(missing.serverMessage, QStringLiteral("model 'mario:latest' not found"));
    const auto requests = m_server->requests(QStringLiteral("DELETE"), QStringLiteral("/api/delete"));
    ASSERT_EQ(requests.size(), 2);
    EXPECT_EQ(requests[0].json->value("model", ""), "mario");
}

TEST_F(OllamaClientTest, TagsListsModels)
{
    ASSERT_TRUE(m_server->addModel(QStringLiteral("acme/x:q4")));
    const OllamaResult tags = run(m_client->tags());
    ASSERT_TRUE(tags.ok());
    ASSERT_EQ(tags.json["models"].size(), 1u);
    EXPECT_EQ(tags.json["models"][0]["name"], "acme/x:q4");
}

namespace {

// Uploads a minimal model and returns the files map for /api/create.
nlohmann::json uploadModel(FakeOllamaServer& server, const std::string& architecture = "LlamaForCausalLM")
{
    TestModel model;
    fillModel(model, architecture);
    nlohmann::json files = nlohmann::json::object();
    for (const auto& entry : model.files) {
        if (entry.path == "model_card.json" || entry.path == "README.md") {
            continue;
        }
        QFile file(model.path(entry.path));
        EXPECT_TRUE(file.open(QIODevice::ReadOnly));
        files[entry.path] = server.addBlob(file.readAll()).toStdString();
    }
    return files;
}

} // namespace

TEST_F(OllamaClientTest, CreateStreamsStatusLines)
{
    const nlohmann::json files = uploadModel(*m_server);
    OllamaCall* call = m_client->create({{"model", "merged:q8"}, {"files", files}, {"quantize", "q8_0"}});
    QStringList lines;
    QObject::connect(call, &OllamaCall::statusLine, [&](const QString& line) { lines << line; });
    const OllamaResult result = run(call);
    ASSERT_TRUE(result.ok()) << result.message.toStdString();
    ASSERT_FALSE(lines.isEmpty());
    EXPECT_EQ(lines.front(), QStringLiteral("converting model"));
    EXPECT_EQ(lines.back(), QStringLiteral("success"));
    EXPECT_TRUE(m_server->model(QStringLiteral("merged:q8")).has_value());
    EXPECT_EQ(m_server->lastCreateRequest()->value("stream", false), true);
}

TEST_F(OllamaClientTest, CreateInlineErrorIsVerbatim)
{
    const nlohmann::json files = uploadModel(*m_server, "Qwen3ForCausalLM");
    const OllamaResult result = run(m_client->create({{"model", "q3"}, {"files", files}}));
    EXPECT_EQ(result.errorKind, Kind::Stream);
    EXPECT_EQ(result.httpStatus, 200);
    EXPECT_EQ(result.serverMessage, QStringLiteral("unsupported architecture \"Qwen3ForCausalLM\""));

    // The v0.5.5-0.12.5 style: 200 and an error line carrying a status, even as the first message.
    m_server->setInlineStreamErrors(true);
    m_server->setCreateErrorAfterLines(0, QStringLiteral("boom"), 400);
    const OllamaResult inlineFirst = run(m_client->create({{"model", "q3"}, {"files", files}}));
    EXPECT_EQ(inlineFirst.errorKind, Kind::Stream);
    EXPECT_EQ(inlineFirst.serverMessage, QStringLiteral("boom"));
}

TEST_F(OllamaClientTest, CreateErrorBeforeStreamingKeepsItsStatus)
{
    const OllamaResult result = run(m_client->create({{"model", "bad name!"}, {"files", {{"a.gguf", "sha256:1"}}}}));
    EXPECT_EQ(result.errorKind, Kind::Http);
    EXPECT_EQ(result.httpStatus, 400);
    EXPECT_EQ(result.serverMessage, QStringLiteral("invalid model name"));
}

TEST_F(OllamaClientTest, CreateErrorAfterLines)
{
    const nlohmann::json files = uploadModel(*m_server);
    m_server->setCreateErrorAfterLines(2, QStringLiteral("llama_model_quantize: 1"));
    QStringList lines;
    OllamaCall* call = m_client->create({{"model", "m"}, {"files", files}});
    QObject::connect(call, &OllamaCall::statusLine, [&](const QString& line) { lines << line; });
    const OllamaResult result = run(call);
    EXPECT_EQ(result.errorKind, Kind::Stream);
    EXPECT_EQ(result.serverMessage, QStringLiteral("llama_model_quantize: 1"));
    EXPECT_EQ(lines.size(), 2);
}

TEST_F(OllamaClientTest, TruncatedCreateStreamFails)
{
    const nlohmann::json files = uploadModel(*m_server);
    for (bool cleanly : {true, false}) {
        m_server->setTruncateCreateAfterLines(1, cleanly);
        const OllamaResult result = run(m_client->create({{"model", "m"}, {"files", files}}));
        EXPECT_FALSE(result.ok());
        EXPECT_TRUE(result.errorKind == Kind::Truncated || result.errorKind == Kind::ConnectionDropped)
            << static_cast<int>(result.errorKind) << " " << result.message.toStdString();
        EXPECT_NE(result.message.indexOf(m_server->url()), -1);
    }
}

TEST_F(OllamaClientTest, HeldCreateHasNoTimeoutAndCancels)
{
    const nlohmann::json files = uploadModel(*m_server);
    m_server->setHoldCreate(true);
    m_client->setTimeouts({std::chrono::milliseconds(300), std::chrono::milliseconds(300)});
    OllamaCall* call = m_client->create({{"model", "held"}, {"files", files}});
    bool done = false;
    OllamaResult result;
    QObject::connect(call, &OllamaCall::finished, [&](const OllamaResult& r) {
        result = r;
        done = true;
    });
    ASSERT_TRUE(waitFor([&] { return m_server->heldCreateCount() == 1; }));
    waitFor([] { return false; }, 1000); // well past both timeouts: a silent create must not fail
    EXPECT_FALSE(done);
    call->cancel();
    EXPECT_TRUE(done);
    EXPECT_TRUE(result.cancelled());
    m_server->releaseHeldCreate();
}

TEST_F(OllamaClientTest, BasePathIsKept)
{
    OllamaClient client(&m_network, QUrl(m_server->url() + QStringLiteral("/prefix")));
    run(client.version());
    const auto requests = m_server->requests();
    ASSERT_FALSE(requests.isEmpty());
    EXPECT_EQ(requests.back().path, QStringLiteral("/prefix/api/version"));
}

TEST_F(OllamaClientTest, CaFileMustHoldCertificates)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("ca.pem"));
    writeFile(file, "not a certificate");
    EXPECT_THROW(m_client->setCaFile(file), deepext::Error);
    EXPECT_THROW(m_client->setCaFile(dir.filePath(QStringLiteral("missing.pem"))), deepext::Error);
}

TEST(OllamaCallModelNames, NamesOfATagsBody)
{
    EXPECT_EQ(OllamaCall::modelNames(nlohmann::json::parse(
                  R"({"models":[{"name":"a:latest"},{"model":"b:1b"},{"name":7},{},"x",{"name":"c"}]})")),
              (std::vector<std::string>{"a:latest", "b:1b", "c"}));
    EXPECT_TRUE(OllamaCall::modelNames(nlohmann::json::parse(R"({"models":null})")).empty());
    EXPECT_TRUE(OllamaCall::modelNames(nlohmann::json::parse("[]")).empty());
}
