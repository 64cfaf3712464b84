// POST /api/chat and /api/generate through the real client against the stand-in over loopback: pieces, the final
// line's metrics, stop strings, num_predict, a model that runs on, errors verbatim, cancel and the two deadlines.
#include "OllamaTestModel.h"
#include "deepext/ollama/OllamaClient.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

using deepext::fake::FakeOllamaServer;
using deepext::ollama::ChatCall;
using deepext::ollama::ChatEndpoint;
using deepext::ollama::ChatMessage;
using deepext::ollama::ChatReply;
using deepext::ollama::ChatRequest;
using deepext::ollama::OllamaClient;
using deepext::ollama::OllamaResult;
using deepext::ollama::OllamaTimeouts;
using deepext::ollama::testing::waitFor;
using Kind = OllamaResult::ErrorKind;

namespace {

class ChatCallTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_state.isValid());
        m_server = std::make_unique<FakeOllamaServer>(m_state.path());
        ASSERT_TRUE(m_server->listen(0));
        ASSERT_TRUE(m_server->addModel(QStringLiteral("mario")));
        m_client = std::make_unique<OllamaClient>(&m_network, QUrl(m_server->url()));
    }

    static ChatRequest request(const QString& prompt, const QString& model = QStringLiteral("mario"))
    {
        ChatRequest r;
        r.model = model;
        r.messages.append(ChatMessage{QStringLiteral("user"), prompt});
        r.options.temperature = 0.0;
        r.options.seed = 42;
        r.options.numPredict = 64;
        return r;
    }

    // Runs the call to its end; the pieces as they arrived in *pieces.
    OllamaResult run(ChatCall* call, QStringList* pieces = nullptr, int timeoutMs = 30000)
    {
        bool done = false;
        int finishedCount = 0;
        OllamaResult result;
        QObject::connect(call, &ChatCall::piece, [pieces](const QString& text) {
            if (pieces) {
                pieces->append(text);
            }
        });
        QObject::connect(call, &ChatCall::finished, [&](const OllamaResult& r) {
            result = r;
            done = true;
            ++finishedCount;
        });
        EXPECT_TRUE(waitFor([&] { return done; }, timeoutMs));
        EXPECT_EQ(finishedCount, 1);
        return result;
    }

    QTemporaryDir m_state;
    QNetworkAccessManager m_network;
    std::unique_ptr<FakeOllamaServer> m_server;
    std::unique_ptr<OllamaClient> m_client;
};

} // namespace

TEST_F(ChatCallTest, ChatStreamsPiecesThenTheFinalLineMetrics)
{
    ChatRequest r = request(QStringLiteral("hi there"));
    r.system = QStringLiteral("Be brief.");
    ChatCall* call = m_client->chat(r);
    QStringList pieces;
    const OllamaResult result = run(call, &pieces);
    ASSERT_TRUE(result.ok()) << result.message.toStdString();
    const ChatReply& reply = call->reply();
    EXPECT_EQ(reply.text, QStringLiteral("Hello from mario. (Be brief.) You said: hi there"));
    EXPECT_EQ(pieces.join(QString()), reply.text);
    EXPECT_EQ(pieces.size(), 9); // one piece a word
    EXPECT_TRUE(reply.done);
    EXPECT_EQ(reply.doneReason, QStringLiteral("stop"));
    EXPECT_TRUE(reply.stoppedByItself());
    EXPECT_EQ(reply.metrics.evalCount, 9);
    EXPECT_EQ(reply.metrics.evalDuration, 9 * 10'000'000);
    EXPECT_DOUBLE_EQ(reply.metrics.tokensPerSecond(), 100.0);
    EXPECT_GT(reply.metrics.promptEvalCount, 0);
    EXPECT_GT(reply.metrics.loadDuration, 0);
    EXPECT_EQ(reply.metrics.totalDuration,
              reply.metrics.loadDuration + reply.metrics.promptEvalDuration + reply.metrics.evalDuration);
    EXPECT_EQ(result.json["done_reason"], "stop");
    EXPECT_EQ(result.json["metrics"]["eval_count"], 9);

    // What went over the wire: the system prompt first, the options as given, streaming on.
    const auto sent = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(sent.size(), 1);
    const nlohmann::json body = *sent[0].json;
    EXPECT_EQ(body["model"], "mario");
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(
        body["messages"],
        nlohmann::json::parse(R"([{"role":"system","content":"Be brief."},{"role":"user","content":"hi there"}])"));
    EXPECT_EQ(body["options"], nlohmann::json::parse(R"({"num_predict":64,"temperature":0.0,"seed":42})"));
    EXPECT_EQ(call->phase(), ChatCall::Phase::Streaming);
}

TEST_F(ChatCallTest, GenerateSendsPromptAndSystem)
{
    ChatRequest r = request(QStringLiteral("tell me"));
    r.system = QStringLiteral("Pirate.");
    ChatCall* call = m_client->chat(r, ChatEndpoint::Generate);
    const OllamaResult result = run(call);
    ASSERT_TRUE(result.ok()) << result.message.toStdString();
    EXPECT_EQ(call->reply().text, QStringLiteral("Hello from mario. (Pirate.) You said: tell me"));
    const auto sent = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/generate"));
    ASSERT_EQ(sent.size(), 1);
    EXPECT_EQ((*sent[0].json)["prompt"], "tell me");
    EXPECT_EQ((*sent[0].json)["system"], "Pirate.");
    EXPECT_FALSE(sent[0].json->contains("messages"));
}

TEST_F(ChatCallTest, AModelThatRunsOnHitsNumPredictWithLength)
{
    m_server->setRunOn(QStringLiteral("mario"));
    ChatRequest r = request(QStringLiteral("hi"));
    r.options.numPredict = 20;
    ChatCall* call = m_client->chat(r);
    ASSERT_TRUE(run(call).ok());
    EXPECT_EQ(call->reply().doneReason, QStringLiteral("length"));
    EXPECT_FALSE(call->reply().stoppedByItself());
    EXPECT_EQ(call->reply().metrics.evalCount, 20);
    EXPECT_TRUE(call->reply().text.startsWith(QStringLiteral("Hello from mario. You said: hi And so on.")))
        << call->reply().text.toStdString();

    // Another model on the same server is not affected.
    ASSERT_TRUE(m_server->addModel(QStringLiteral("luigi")));
    ChatCall* other = m_client->chat(request(QStringLiteral("hi"), QStringLiteral("luigi")));
    ASSERT_TRUE(run(other).ok());
    EXPECT_EQ(other->reply().doneReason, QStringLiteral("stop"));
}

TEST_F(ChatCallTest, StopStringsEndTheReplyBeforeThem)
{
    ChatRequest r = request(QStringLiteral("hi"));
    r.options.stop = {QStringLiteral("said")};
    ChatCall* call = m_client->chat(r);
    ASSERT_TRUE(run(call).ok());
    EXPECT_EQ(call->reply().text, QStringLiteral("Hello from mario. You "));
    EXPECT_EQ(call->reply().doneReason, QStringLiteral("stop"));

    // A model that runs on stops at a stop string that occurs in what it says.
    m_server->setRunOn(QStringLiteral("mario"));
    r.options.stop = {QStringLiteral(" so")};
    r.options.numPredict = 100;
    ChatCall* runOn = m_client->chat(r);
    ASSERT_TRUE(run(runOn).ok());
    EXPECT_EQ(runOn->reply().text, QStringLiteral("Hello from mario. You said: hi And"));
    EXPECT_EQ(runOn->reply().doneReason, QStringLiteral("stop"));
}

TEST_F(ChatCallTest, ErrorsKeepOllamasWordsVerbatim)
{
    const OllamaResult missing = run(m_client->chat(request(QStringLiteral("hi"), QStringLiteral("nobody"))));
    EXPECT_EQ(missing.errorKind, Kind::Http);
    EXPECT_EQ(missing.httpStatus, 404);
    EXPECT_EQ(missing.serverMessage, QStringLiteral("model 'nobody' not found"));
    EXPECT_NE(missing.message.indexOf(m_server->url()), -1) << missing.message.toStdString();
    EXPECT_NE(missing.message.indexOf(QStringLiteral("deleted")), -1) << missing.message.toStdString();

    const OllamaResult noModel = run(m_client->chat(request(QStringLiteral("hi"), QString())));
    EXPECT_EQ(noModel.httpStatus, 400);
    EXPECT_EQ(noModel.serverMessage, QStringLiteral("model is required"));

    // An error after the stream started: a final {"error"} line with HTTP 200.
    const QString oom = QStringLiteral("model requires more system memory (5.2 GiB) than is available (1.1 GiB)");
    m_server->setChatErrorAfterPieces(2, oom);
    ChatCall* call = m_client->chat(request(QStringLiteral("hi")));
    QStringList pieces;
    const OllamaResult midway = run(call, &pieces);
    EXPECT_EQ(midway.errorKind, Kind::Stream);
    EXPECT_EQ(midway.httpStatus, 200);
    EXPECT_EQ(midway.serverMessage, oom);
    EXPECT_NE(midway.message.indexOf(oom), -1);
    EXPECT_EQ(pieces.size(), 2);
    EXPECT_EQ(call->reply().text, QStringLiteral("Hello from"));

    // Before anything was streamed: a real status.
    m_server->setChatErrorAfterPieces(0, oom);
    const OllamaResult early = run(m_client->chat(request(QStringLiteral("hi"))));
    EXPECT_EQ(early.errorKind, Kind::Http);
    EXPECT_EQ(early.httpStatus, 500);
    EXPECT_EQ(early.serverMessage, oom);
}

TEST_F(ChatCallTest, CancelMidStreamKeepsWhatArrived)
{
    m_server->setRunOn(QStringLiteral("mario"));
    m_server->setTokenDelay(std::chrono::milliseconds(20));
    ChatRequest r = request(QStringLiteral("hi"));
    r.options.numPredict.reset(); // unbounded: only the cancel ends it
    ChatCall* call = m_client->chat(r);
    int finishedCount = 0;
    OllamaResult result;
    QObject::connect(call, &ChatCall::finished, [&](const OllamaResult& done) {
        result = done;
        ++finishedCount;
    });
    QObject::connect(call, &ChatCall::piece, [&](const QString&) {
        if (call->reply().text.size() > 40) {
            call->cancel();
        }
    });
    ASSERT_TRUE(waitFor([&] { return finishedCount > 0; }, 20000));
    EXPECT_TRUE(result.cancelled());
    EXPECT_GT(call->reply().text.size(), 40);
    EXPECT_FALSE(call->reply().done);
    // The server sees the connection go.
    ASSERT_TRUE(waitFor([&] {
        const auto sent = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
        return !sent.isEmpty() && sent.last().aborted;
    }));
    waitFor([] { return false; }, 100);
    EXPECT_EQ(finishedCount, 1);
}

TEST_F(ChatCallTest, FirstPieceDeadlineIsSeparateFromTheReplyDeadline)
{
    // Loading takes longer than the first-piece deadline: "loading" in the message.
    m_server->setLoadDelay(std::chrono::milliseconds(1500));
    OllamaTimeouts timeouts;
    timeouts.firstToken = std::chrono::milliseconds(300);
    m_client->setTimeouts(timeouts);
    ChatCall* loading = m_client->chat(request(QStringLiteral("hi")));
    QList<ChatCall::Phase> phases;
    QObject::connect(loading, &ChatCall::phaseChanged, [&](ChatCall::Phase phase) { phases.append(phase); });
    const OllamaResult slow = run(loading);
    EXPECT_EQ(slow.errorKind, Kind::Timeout);
    EXPECT_NE(slow.message.indexOf(QStringLiteral("loading the model")), -1) << slow.message.toStdString();
    EXPECT_EQ(phases, QList<ChatCall::Phase>{ChatCall::Phase::WaitingForFirstPiece});

    // A long load within the first-piece deadline is fine; a reply that runs past its own deadline is cut.
    m_server->setLoadDelay(std::chrono::milliseconds(0));
    m_server->setRunOn(QStringLiteral("mario"));
    m_server->setTokenDelay(std::chrono::milliseconds(30));
    timeouts.firstToken = std::chrono::seconds(10);
    timeouts.reply = std::chrono::milliseconds(400);
    m_client->setTimeouts(timeouts);
    ChatRequest r = request(QStringLiteral("hi"));
    r.options.numPredict = 1000;
    ChatCall* running = m_client->chat(r);
    const OllamaResult cut = run(running);
    EXPECT_EQ(cut.errorKind, Kind::Timeout);
    EXPECT_NE(cut.message.indexOf(QStringLiteral("took longer than")), -1) << cut.message.toStdString();
    EXPECT_FALSE(running->reply().text.isEmpty());
}

TEST_F(ChatCallTest, ConnectionRefusedNamesTheServer)
{
    const QString url = m_server->url();
    m_server->close();
    const OllamaResult result = run(m_client->chat(request(QStringLiteral("hi"))));
    EXPECT_EQ(result.errorKind, Kind::ConnectionRefused);
    EXPECT_NE(result.message.indexOf(url), -1);
}
