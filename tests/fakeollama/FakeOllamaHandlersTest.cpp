// The stand-in Ollama server's pieces without a socket: the endpoint handlers as request body in, response out over
// a real state directory, the router, the Host check, Go's encoding and the create-stream playback against a
// recording channel. The server as a whole, over real HTTP, is tests/core/ollama/FakeOllamaServerTest.cpp.
#include "ApiRoute.h"
#include "BlobHandlers.h"
#include "CreateStreamPlayer.h"
#include "GoEncoding.h"
#include "HostCheck.h"
#include "ModelHandlers.h"
#include "ServerHandlers.h"
#include "ServerState.h"
#include "deepext/base/Sha256.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

using namespace deepext::fake;
using nlohmann::json;

namespace {

json bodyJson(const HttpResponse& response)
{
    return json::parse(response.body.toStdString());
}

std::string errorOf(const HttpResponse& response)
{
    return bodyJson(response).value("error", std::string());
}

QByteArray requestBody(const json& value)
{
    return QByteArray::fromStdString(value.dump());
}

QString hexOf(const QByteArray& data)
{
    deepext::Sha256 hash;
    hash.update(data.constData(), static_cast<std::size_t>(data.size()));
    return QString::fromStdString(hash.finalHex());
}

class HandlersTest : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }

    // Stores a model the way a finished create does: a model layer blob and the record.
    void addModel(const QString& name, const json& extra = json::object())
    {
        const QString digest = m_state.store().writeBlob(QByteArray("GGUF\x03\x00\x00\x00", 8) + name.toUtf8());
        json record = {
            {"layers", json::array({json{{"mediaType", "application/vnd.ollama.image.model"},
                                         {"digest", digest.toStdString()},
                                         {"size", 12}}})},
            {"details", {{"format", "gguf"}, {"family", "llama"}, {"quantization_level", "Q8_0"}}},
            {"template", "{{ .Prompt }}"},
            {"system", ""},
            {"parameters", json::object()},
            {"license", json::array()},
            {"messages", json::array()},
            {"parameter_count", 1000},
            {"modified_at", "2026-01-01T00:00:00.000+00:00"},
            {"modified_ms", 1},
        };
        record.update(extra);
        m_state.store().writeRecord(ModelName::parse(name), record);
    }

    QTemporaryDir m_dir;
    ServerState m_state{m_dir.path()};
};

} // namespace

TEST_F(HandlersTest, ServerEndpoints)
{
    const ServerHandlers handlers(m_state);
    const HttpResponse root = handlers.root();
    EXPECT_EQ(root.status, 200);
    EXPECT_EQ(root.contentType, "text/plain; charset=utf-8");
    EXPECT_EQ(root.body, "Ollama is running");

    m_state.setVersion(QStringLiteral("0.5.7"));
    const HttpResponse version = handlers.version();
    EXPECT_EQ(version.status, 200);
    EXPECT_EQ(version.contentType, "application/json; charset=utf-8");
    EXPECT_EQ(version.body, R"({"version":"0.5.7"})");

    EXPECT_EQ(handlers.ps().body, R"({"models":[]})");
}

TEST_F(HandlersTest, TagsListsStoredModelsWithoutTheirRecords)
{
    const ModelHandlers handlers(m_state);
    EXPECT_EQ(handlers.tags().body, R"({"models":[]})");
    addModel(QStringLiteral("acme"));
    const json tags = bodyJson(handlers.tags());
    ASSERT_EQ(tags["models"].size(), 1u);
    EXPECT_EQ(tags["models"][0]["name"], "acme:latest");
    EXPECT_FALSE(tags["models"][0].contains("record"));
}

TEST_F(HandlersTest, ShowAnswersFromTheRecord)
{
    addModel(QStringLiteral("acme"), {{"template", "<|user|>{{ .Prompt }}"},
                                      {"system", "Be brief."},
                                      {"parameters", {{"num_ctx", 4096}, {"stop", {"<|end|>"}}}}});
    const HttpResponse response = ModelHandlers(m_state).show(requestBody({{"model", "acme"}}));
    ASSERT_EQ(response.status, 200) << response.body.toStdString();
    // Go escapes < and > inside JSON strings.
    EXPECT_NE(response.body.indexOf("\\u003c|user|\\u003e"), -1) << response.body.toStdString();
    const json show = bodyJson(response);
    EXPECT_EQ(show["template"], "<|user|>{{ .Prompt }}");
    EXPECT_EQ(show["system"], "Be brief.");
    EXPECT_NE(show["parameters"].get<std::string>().find("num_ctx"), std::string::npos);
    EXPECT_NE(show["modelfile"].get<std::string>().find("PARAMETER stop \"<|end|>\""), std::string::npos);
    EXPECT_EQ(show["details"]["quantization_level"], "Q8_0");
}

TEST_F(HandlersTest, ShowRefusals)
{
    const ModelHandlers handlers(m_state);
    struct Case
    {
        QByteArray body;
        int status;
        std::string error;
    };
    const std::vector<Case> cases{
        {"", 400, "missing request body"},
        {"{}", 400, "model is required"},
        {requestBody({{"model", "bad name!"}}), 400, "invalid model name"},
        {requestBody({{"model", "nope"}}), 404, "model 'nope:latest' not found"},
        {requestBody({{"model", 7}}), 400,
         "json: cannot unmarshal number into Go struct field ShowRequest.model of "
         "type string"},
    };
    for (const Case& c : cases) {
        const HttpResponse response = handlers.show(c.body);
        EXPECT_EQ(response.status, c.status) << c.body.toStdString();
        EXPECT_EQ(errorOf(response), c.error) << c.body.toStdString();
    }
}

TEST_F(HandlersTest, DeleteRemovesTheModelAndItsUnusedLayers)
{
    addModel(QStringLiteral("acme"));
    const json layer = m_state.store().record(ModelName::parse(QStringLiteral("acme")))->at("layers")[0];
    const QString digest = QString::fromStdString(layer["digest"].get<std::string>());
    ASSERT_TRUE(m_state.store().hasBlob(digest));

    const ModelHandlers handlers(m_state);
    const HttpResponse response = handlers.remove(requestBody({{"model", "acme"}}));
    EXPECT_EQ(response.status, 200);
    EXPECT_TRUE(response.body.isEmpty());
    EXPECT_FALSE(m_state.store().record(ModelName::parse(QStringLiteral("acme"))).has_value());
    EXPECT_FALSE(m_state.store().hasBlob(digest));

    const HttpResponse again = handlers.remove(requestBody({{"model", "acme"}}));
    EXPECT_EQ(again.status, 404);
    EXPECT_EQ(errorOf(again), "model 'acme' not found");
    EXPECT_EQ(errorOf(handlers.remove(requestBody({{"name", "a b"}}))), "name \"a b\" is invalid");
}

TEST_F(HandlersTest, CopyDuplicatesTheRecord)
{
    addModel(QStringLiteral("acme"), {{"system", "Copied."}});
    const ModelHandlers handlers(m_state);
    const HttpResponse response = handlers.copy(requestBody({{"source", "acme"}, {"destination", "acme-copy:v2"}}));
    EXPECT_EQ(response.status, 200);
    const auto copied = m_state.store().record(ModelName::parse(QStringLiteral("acme-copy:v2")));
    ASSERT_TRUE(copied.has_value());
    EXPECT_EQ((*copied)["system"], "Copied.");

    EXPECT_EQ(errorOf(handlers.copy(requestBody({{"source", "nope"}, {"destination", "x"}}))),
              "model \"nope\" not found");
    EXPECT_EQ(errorOf(handlers.copy(requestBody({{"source", "acme"}, {"destination", "bad name"}}))),
              "destination \"bad name\" is invalid");
}

TEST_F(HandlersTest, BlobDecisionsBeforeTheBody)
{
    const BlobHandlers handlers(m_state);
    const QString stored = m_state.store().writeBlob("hello");
    const QString missing = QStringLiteral("sha256:") + QString(64, u'0');

    const auto invalid = handlers.beforeBody("HEAD", QStringLiteral("sha256:xyz"));
    ASSERT_TRUE(invalid.has_value());
    EXPECT_EQ(invalid->status, 400);
    EXPECT_EQ(errorOf(*invalid), "invalid digest format");

    EXPECT_EQ(handlers.beforeBody("HEAD", stored)->status, 200);
    const auto notFound = handlers.beforeBody("HEAD", missing);
    EXPECT_EQ(notFound->status, 404);
    EXPECT_EQ(errorOf(*notFound), "blob \"" + missing.toStdString() + "\" not found");

    // A POST of a blob the server has is answered at once; one it lacks must be read.
    EXPECT_EQ(handlers.beforeBody("POST", stored)->status, 200);
    EXPECT_FALSE(handlers.beforeBody("POST", missing).has_value());
}

TEST_F(HandlersTest, FinishedUploadIsStoredUnderItsDigest)
{
    const BlobHandlers handlers(m_state);
    const QByteArray data = "model bytes";
    const QString hex = hexOf(data);
    const QString temp = m_state.store().newUploadPath();
    {
        QFile file(temp);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(data);
    }
    const HttpResponse response = handlers.finishUpload(QStringLiteral("sha256:") + hex, temp, hex, {});
    EXPECT_EQ(response.status, 201);
    EXPECT_TRUE(m_state.store().hasBlob(QStringLiteral("sha256:") + hex));
    EXPECT_FALSE(QFile::exists(temp));
}

TEST_F(HandlersTest, UploadOfOtherBytesIsAMismatch)
{
    const BlobHandlers handlers(m_state);
    const QString temp = m_state.store().newUploadPath();
    {
        QFile file(temp);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("other");
    }
    const QString expected = QStringLiteral("sha256:") + QString(64, u'1');
    const HttpResponse response = handlers.finishUpload(expected, temp, hexOf("other"), {});
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(errorOf(response), "digest mismatch, expected \"" + expected.toStdString() +
                                     "\", got \"sha256:" + hexOf("other").toStdString() + "\"");
    EXPECT_FALSE(m_state.store().hasBlob(expected));
}

TEST_F(HandlersTest, UploadThatCouldNotBeWrittenIs500AndLeavesNothing)
{
    const BlobHandlers handlers(m_state);
    const QString temp = m_state.store().newUploadPath();
    {
        QFile file(temp);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("part");
    }
    const HttpResponse response = handlers.finishUpload(QStringLiteral("sha256:") + hexOf("part"), temp, hexOf("part"),
                                                        "No space left on device");
    EXPECT_EQ(response.status, 500);
    EXPECT_EQ(errorOf(response), "No space left on device");
    EXPECT_FALSE(QFile::exists(temp));
    EXPECT_TRUE(m_state.store().blobDigests().isEmpty());
}

TEST(ApiRouteTest, MatchesGinsRoutes)
{
    using E = ApiRoute::Endpoint;
    struct Case
    {
        const char* path;
        QByteArray method;
        E endpoint;
        bool allowed;
    };
    const std::vector<Case> cases{
        {"/", "GET", E::Root, true},
        {"/", "POST", E::Root, false},
        {"/api/version", "HEAD", E::Version, true},
        {"/api/tags", "GET", E::Tags, true},
        {"/api/ps", "HEAD", E::Ps, false},
        {"/api/create", "POST", E::Create, true},
        {"/api/create", "GET", E::Create, false},
        {"/api/show", "POST", E::Show, true},
        {"/api/delete", "DELETE", E::Delete, true},
        {"/api/delete", "POST", E::Delete, false},
        {"/api/copy", "POST", E::Copy, true},
        {"/api/blobs/sha256:abc", "HEAD", E::Blob, true},
        {"/api/blobs/sha256:abc", "POST", E::Blob, true},
        {"/api/blobs/a/b", "POST", E::None, false},
        {"/api/blobs/", "POST", E::None, false},
        {"/api/pull", "POST", E::None, false},
    };
    for (const Case& c : cases) {
        const ApiRoute route = ApiRoute::match(QString::fromLatin1(c.path), c.method);
        EXPECT_EQ(route.endpoint, c.endpoint) << c.path;
        EXPECT_EQ(route.methodAllowed, c.allowed) << c.path << ' ' << c.method.toStdString();
    }
    EXPECT_EQ(ApiRoute::match(QStringLiteral("/api/blobs/sha256:abc"), "HEAD").digest, QStringLiteral("sha256:abc"));
    EXPECT_TRUE(ApiRoute::match(QStringLiteral("/api/show"), "POST").buffersBody());
    EXPECT_FALSE(ApiRoute::match(QStringLiteral("/api/blobs/x"), "POST").buffersBody());
}

TEST(HostCheckTest, LocalNamesAndAddressesOnly)
{
    for (const char* host : {"", "localhost", "localhost:11434", "127.0.0.1:11434", "[::1]:11434", "10.1.2.3",
                             "192.168.0.9:80", "0.0.0.0", "box.local", "api.internal", "x.localhost"}) {
        EXPECT_TRUE(HostCheck::allowed(host)) << host;
    }
    for (const char* host : {"example.com", "example.com:11434", "8.8.8.8", "localhost.example.com"}) {
        EXPECT_FALSE(HostCheck::allowed(host)) << host;
    }
}

TEST(GoEncodingTest, WritesWhatGoWrites)
{
    EXPECT_EQ(GoEncoding::json({{"t", "<a & b>"}}), R"({"t":"\u003ca \u0026 b\u003e"})");
    EXPECT_EQ(GoEncoding::progress({{"completed", 2}, {"total", 3}, {"digest", "d"}, {"status", "s"}}),
              R"({"status":"s","digest":"d","total":3,"completed":2})");
    EXPECT_EQ(GoEncoding::error(QStringLiteral("boom")), R"({"error":"boom"})");
    EXPECT_EQ(GoEncoding::quote(QStringLiteral("a\"b\n\x01")), QStringLiteral("\"a\\\"b\\n\\x01\""));
}

namespace {

// Records what the playback asked of the connection.
class RecordingChannel : public ResponseChannel
{
public:
    bool isClosing() const override { return closing; }
    void send(const HttpResponse& response) override
    {
        events.push_back("send " + std::to_string(response.status) + " " + response.body.toStdString());
    }
    void startChunked(const QByteArray& contentType) override
    {
        events.push_back("start " + contentType.toStdString());
    }
    void writeChunk(const QByteArray& data) override { events.push_back("chunk " + data.toStdString()); }
    void endChunked() override { events.push_back("end"); }
    void cut() override { events.push_back("cut"); }

    bool closing = false;
    std::vector<std::string> events;
};

CreatePlan planOf(std::vector<CreateStep> steps, bool stream = true)
{
    CreatePlan plan;
    plan.stream = stream;
    plan.steps = std::move(steps);
    return plan;
}

CreateStep line(const char* status)
{
    CreateStep step;
    step.line = json{{"status", status}};
    return step;
}

CreateStep errorStep(int status, const char* message)
{
    CreateStep step;
    step.kind = CreateStep::Kind::Error;
    step.status = status;
    step.error = QString::fromLatin1(message);
    return step;
}

CreateStep kindStep(CreateStep::Kind kind)
{
    CreateStep step;
    step.kind = kind;
    return step;
}

// Turns the event loop until the playback finished or holds (or 10 s passed).
void waitForRest(const CreateStreamPlayer& player)
{
    const QDeadlineTimer deadline(10000);
    while (!player.isFinished() && !player.isHeld() && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
}

void playOut(CreateStreamPlayer& player)
{
    player.start();
    waitForRest(player);
}

class PlaybackTest : public ::testing::Test
{
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }

    QTemporaryDir m_dir;
    ServerState m_state{m_dir.path()};
    RecordingChannel m_channel;
};

} // namespace

TEST_F(PlaybackTest, StreamsEachLineThenEnds)
{
    bool committed = false;
    CreateStep commit = kindStep(CreateStep::Kind::Commit);
    commit.commit = [&] { committed = true; };
    CreateStreamPlayer player(planOf({line("converting model"), std::move(commit), line("success")}), m_state,
                              m_channel, 0);
    playOut(player);
    EXPECT_TRUE(committed);
    EXPECT_EQ(m_channel.events,
              (std::vector<std::string>{"start application/x-ndjson", "chunk {\"status\":\"converting model\"}\n",
                                        "chunk {\"status\":\"success\"}\n", "end"}));
}

TEST_F(PlaybackTest, WithoutStreamingOnlyTheLastObjectIsSent)
{
    CreateStreamPlayer player(planOf({line("converting model"), line("success")}, false), m_state, m_channel, 0);
    playOut(player);
    EXPECT_EQ(m_channel.events, (std::vector<std::string>{"send 200 {\"status\":\"success\"}"}));
}

TEST_F(PlaybackTest, FirstErrorGetsARealStatusFromV0126On)
{
    CreateStreamPlayer player(planOf({errorStep(400, "unknown type")}), m_state, m_channel, 0);
    playOut(player);
    EXPECT_EQ(m_channel.events, (std::vector<std::string>{"send 400 {\"error\":\"unknown type\"}"}));
}

TEST_F(PlaybackTest, FirstErrorIsAnInlineLineBeforeV0126)
{
    m_state.setVersion(QStringLiteral("0.12.5"));
    CreateStreamPlayer player(planOf({errorStep(400, "unknown type")}), m_state, m_channel, 0);
    playOut(player);
    EXPECT_EQ(m_channel.events,
              (std::vector<std::string>{"start application/x-ndjson",
                                        "chunk {\"error\":\"unknown type\",\"status\":400}\n", "end"}));
}

TEST_F(PlaybackTest, ErrorAfterALineEndsTheStream)
{
    CreateStreamPlayer player(planOf({line("converting model"), errorStep(500, "unsupported architecture")}), m_state,
                              m_channel, 0);
    playOut(player);
    EXPECT_EQ(m_channel.events,
              (std::vector<std::string>{"start application/x-ndjson", "chunk {\"status\":\"converting model\"}\n",
                                        "chunk {\"error\":\"unsupported architecture\"}\n", "end"}));
}

TEST_F(PlaybackTest, HoldWaitsForRelease)
{
    CreateStreamPlayer player(planOf({line("converting model"), kindStep(CreateStep::Kind::Hold), line("success")}),
                              m_state, m_channel, 0);
    int heldChanges = 0;
    QObject::connect(&player, &CreateStreamPlayer::heldChanged, [&] { ++heldChanges; });
    playOut(player);
    ASSERT_TRUE(player.isHeld());
    EXPECT_EQ(m_channel.events.size(), 2u);
    player.release();
    waitForRest(player);
    EXPECT_TRUE(player.isFinished());
    EXPECT_EQ(heldChanges, 2);
    EXPECT_EQ(m_channel.events.back(), "end");
}

TEST_F(PlaybackTest, ReleaseBeforeTheHoldPointPassesThrough)
{
    m_state.addReleaseToken();
    CreateStreamPlayer player(planOf({line("a"), kindStep(CreateStep::Kind::Hold), line("success")}), m_state,
                              m_channel, 0);
    playOut(player);
    EXPECT_TRUE(player.isFinished());
    EXPECT_FALSE(player.isHeld());
}

TEST_F(PlaybackTest, TruncateCutsOrEndsCleanly)
{
    CreateStreamPlayer cut(planOf({line("a"), kindStep(CreateStep::Kind::Truncate)}), m_state, m_channel, 0);
    playOut(cut);
    EXPECT_EQ(m_channel.events.back(), "cut");

    m_channel.events.clear();
    m_state.updateFaults([](FaultSettings& f) { f.truncateCleanly = true; });
    CreateStreamPlayer clean(planOf({line("a"), kindStep(CreateStep::Kind::Truncate)}), m_state, m_channel, 0);
    playOut(clean);
    EXPECT_EQ(m_channel.events.back(), "end");
}

TEST_F(PlaybackTest, NothingIsPlayedOnAClosingConnection)
{
    m_channel.closing = true;
    CreateStreamPlayer player(planOf({line("a")}), m_state, m_channel, 0);
    player.start();
    EXPECT_TRUE(m_channel.events.empty());
}
