// The stand-in Ollama server against the real server's behaviour (docs/ollama-notes.md): raw HTTP over QTcpSocket, so
// every status, header and byte of the answers is checked. The server runs on its own thread, so these blocking sockets
// in the test thread are fine.
#include "fakeollama/FakeOllamaServer.h"

#include "deepext/gguf/GgufWriter.h"
#include "fakeollama/HttpRequestParser.h"

#include <QCryptographicHash>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <gtest/gtest.h>

#include <memory>

using deepext::fake::FakeOllamaServer;
using deepext::fake::HttpRequestParser;
using nlohmann::json;

namespace {

struct RawResponse
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool closed = false;   // the server closed the connection
    bool complete = false; // the body was complete (Content-Length reached or terminating chunk seen)

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0) {
                return value;
            }
        }
        return {};
    }
    json bodyJson() const { return json::parse(body.toStdString(), nullptr, false); }
    QList<json> lines() const
    {
        QList<json> out;
        for (const QByteArray& line : body.split('\n')) {
            if (!line.isEmpty()) {
                out.append(json::parse(line.toStdString(), nullptr, false));
            }
        }
        return out;
    }
};

QString sha256Of(const QByteArray& data)
{
    return QStringLiteral("sha256:") +
           QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

// A tiny but valid safetensors file: one tensor of the given dtype.
QByteArray safetensors(const char* dtype = "F16")
{
    const QByteArray header = QByteArray(R"({"w":{"dtype":")") + dtype + R"(","shape":[2,2],"data_offsets":[0,8]}})";
    QByteArray length(8, '\0');
    qToLittleEndian<quint64>(static_cast<quint64>(header.size()), length.data());
    return length + header + QByteArray(8, '\1');
}

class Connection
{
public:
    explicit Connection(quint16 port)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        m_connected = m_socket.waitForConnected(5000);
    }
    bool connected() const { return m_connected; }
    QTcpSocket& socket() { return m_socket; }

    void send(const QByteArray& data)
    {
        m_socket.write(data);
        m_socket.waitForBytesWritten(5000);
    }

    // Reads one response; headOnly for answers to HEAD.
    RawResponse read(bool headOnly = false, int timeoutMs = 10000)
    {
        RawResponse r;
        while (!m_buffer.contains("\r\n\r\n")) {
            if (!fill(timeoutMs, r)) {
                return r;
            }
        }
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_buffer.remove(0, end + 4);
        r.status = lines.first().split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            r.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
        }
        if (headOnly) {
            r.complete = true;
            return r;
        }
        if (r.header("Transfer-Encoding") == "chunked") {
            while (true) {
                while (!m_buffer.contains("\r\n")) {
                    if (!fill(timeoutMs, r)) {
                        return r;
                    }
                }
                const qsizetype lineEnd = m_buffer.indexOf("\r\n");
                const qint64 size = m_buffer.left(lineEnd).toLongLong(nullptr, 16);
                while (m_buffer.size() < lineEnd + 2 + size + 2) {
                    if (!fill(timeoutMs, r)) {
                        return r;
                    }
                }
                r.body += m_buffer.mid(lineEnd + 2, size);
                m_buffer.remove(0, lineEnd + 2 + size + 2);
                if (size == 0) {
                    r.complete = true;
                    return r;
                }
            }
        }
        const qint64 length = r.header("Content-Length").toLongLong();
        while (m_buffer.size() < length) {
            if (!fill(timeoutMs, r)) {
                return r;
            }
        }
        r.body = m_buffer.left(length);
        m_buffer.remove(0, length);
        r.complete = true;
        return r;
    }

    // Reads whatever arrives until the server closes (or the timeout).
    QByteArray readUntilClosed(int timeoutMs = 10000)
    {
        RawResponse ignored;
        while (fill(timeoutMs, ignored)) {
        }
        return std::exchange(m_buffer, {});
    }

    bool waitForClose(int timeoutMs = 10000)
    {
        readUntilClosed(timeoutMs);
        return m_socket.state() == QAbstractSocket::UnconnectedState;
    }

    QByteArray& buffer() { return m_buffer; }

private:
    bool fill(int timeoutMs, RawResponse& r)
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(timeoutMs)) {
            r.closed = m_socket.state() != QAbstractSocket::ConnectedState;
            m_buffer += m_socket.readAll();
            return false;
        }
        m_buffer += m_socket.readAll();
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_connected = false;
};

class FakeOllamaServerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_server = std::make_unique<FakeOllamaServer>(m_dir.path());
        ASSERT_TRUE(m_server->listen());
    }

    QByteArray requestBytes(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                            const QByteArray& extraHeaders = {}) const
    {
        QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_server->port()) +
                         "\r\n" + extraHeaders;
        if (!body.isNull()) {
            out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        }
        return out + "\r\n" + body;
    }

    RawResponse http(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                     const QByteArray& extraHeaders = {})
    {
        Connection c(m_server->port());
        EXPECT_TRUE(c.connected());
        c.send(requestBytes(method, path, body, extraHeaders));
        return c.read(method == "HEAD");
    }

    RawResponse create(const json& request) { return http("POST", "/api/create", request.dump().c_str()); }

    QString upload(const QByteArray& data)
    {
        const QString digest = sha256Of(data);
        const RawResponse r = http("POST", "/api/blobs/" + digest.toLatin1(), data);
        EXPECT_TRUE(r.status == 201 || r.status == 200) << r.body.toStdString(); // 200: already stored
        return digest;
    }

    // Uploads a small Llama-shaped safetensors model and returns its files map.
    json uploadModel(const char* architecture = "LlamaForCausalLM", const char* dtype = "F16")
    {
        json files;
        files["config.json"] =
            upload(QByteArray(R"({"architectures":[")") + architecture + R"("],"model_type":"llama"})").toStdString();
        files["tokenizer.json"] = upload(R"({"model":{"type":"BPE"}})").toStdString();
        files["tokenizer_config.json"] =
            upload(R"({"chat_template":"{% for m in messages %}<|start_header_id|>{% endfor %}"})").toStdString();
        files["model.safetensors"] = upload(safetensors(dtype)).toStdString();
        return files;
    }

    static QStringList statuses(const RawResponse& r)
    {
        QStringList out;
        for (const json& line : r.lines()) {
            out.append(QString::fromStdString(line.contains("error") ? "error: " + line["error"].get<std::string>()
                                                                     : line.value("status", std::string())));
        }
        return out;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<FakeOllamaServer> m_server;
};

const QByteArray kZeros = QByteArray("sha256:") + QByteArray(64, '0');

} // namespace

TEST_F(FakeOllamaServerTest, RootAndVersion)
{
    RawResponse r = http("GET", "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(r.body, "Ollama is running");
    r = http("HEAD", "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Length"), "17");
    r = http("GET", "/api/version");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(r.body, R"({"version":"0.33.0-rc2"})");
    m_server->setVersion(QStringLiteral("0.5.4"));
    EXPECT_EQ(http("GET", "/api/version").body, R"({"version":"0.5.4"})");
    EXPECT_EQ(http("HEAD", "/api/version").status, 200);
    EXPECT_EQ(http("GET", "/api/ps").body, R"({"models":[]})");
}

TEST_F(FakeOllamaServerTest, UnknownPathIs404AndWrongMethodIs405)
{
    RawResponse r = http("GET", "/api/nothing");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "404 page not found");
    EXPECT_EQ(r.header("Content-Type"), "text/plain");
    EXPECT_EQ(http("GET", "/api/blobs/sha256:x/extra").status, 404);
    for (const auto& [method, path] : QList<QPair<QByteArray, QByteArray>>{{"POST", "/api/tags"},
                                                                           {"GET", "/api/create"},
                                                                           {"POST", "/api/delete"},
                                                                           {"GET", "/api/show"},
                                                                           {"GET", "/api/blobs/" + kZeros},
                                                                           {"POST", "/"}}) {
        r = http(method, path, method == "POST" ? QByteArray("{}") : QByteArray());
        EXPECT_EQ(r.status, 405) << method.toStdString() << ' ' << path.toStdString();
        EXPECT_EQ(r.body, "405 method not allowed");
    }
}

TEST_F(FakeOllamaServerTest, ForeignHostHeaderIs403WithEmptyBody)
{
    RawResponse r = http("GET", "/api/version", {}, "X-Dummy: 1\r\n");
    EXPECT_EQ(r.status, 200);
    Connection c(m_server->port());
    c.send("GET /api/tags HTTP/1.1\r\nHost: evil.example.com\r\n\r\n");
    r = c.read();
    EXPECT_EQ(r.status, 403);
    EXPECT_TRUE(r.body.isEmpty());
    for (const QByteArray host : {"localhost:11434", "ollama.internal", "box.local", "192.168.1.20:11434", "10.1.2.3",
                                  "[::1]:11434", "0.0.0.0"}) {
        Connection ok(m_server->port());
        ok.send("GET /api/version HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        EXPECT_EQ(ok.read().status, 200) << host.toStdString();
    }
    m_server->setHostCheck(false);
    Connection off(m_server->port());
    off.send("GET /api/version HTTP/1.1\r\nHost: evil.example.com\r\n\r\n");
    EXPECT_EQ(off.read().status, 200);
}

TEST_F(FakeOllamaServerTest, BlobDigestFormatIsCheckedForHeadAndPost)
{
    for (const QByteArray& digest : {QByteArray("sha256:abc"), QByteArray("md5:") + QByteArray(64, 'a'),
                                     QByteArray("sha256:") + QByteArray(63, 'a') + 'g'}) {
        const RawResponse post = http("POST", "/api/blobs/" + digest, "data");
        EXPECT_EQ(post.status, 400);
        EXPECT_EQ(post.body, R"({"error":"invalid digest format"})");
        EXPECT_EQ(http("HEAD", "/api/blobs/" + digest).status, 400);
    }
}

TEST_F(FakeOllamaServerTest, BlobUploadThenHeadFindsIt)
{
    const QByteArray data = "some weights";
    const QString digest = sha256Of(data);
    EXPECT_EQ(http("HEAD", "/api/blobs/" + digest.toLatin1()).status, 404);
    const RawResponse r = http("POST", "/api/blobs/" + digest.toLatin1(), data);
    EXPECT_EQ(r.status, 201);
    EXPECT_TRUE(r.body.isEmpty());
    EXPECT_EQ(http("HEAD", "/api/blobs/" + digest.toLatin1()).status, 200);
    // HEAD accepts the '-' separator form too.
    EXPECT_EQ(http("HEAD", "/api/blobs/" + digest.toLatin1().replace(':', '-')).status, 200);
    EXPECT_TRUE(m_server->hasBlob(digest));
    EXPECT_EQ(m_server->blobDigests(), QStringList{digest});
    EXPECT_EQ(m_server->uploadedDigests(), QStringList{digest});
    QFile stored(m_server->blobPath(digest));
    ASSERT_TRUE(stored.open(QIODevice::ReadOnly));
    EXPECT_EQ(stored.readAll(), data);
    const auto posts = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/blobs/*"));
    ASSERT_EQ(posts.size(), 1);
    EXPECT_EQ(posts[0].bodySize, data.size());
    EXPECT_EQ(posts[0].status, 201);
}

TEST_F(FakeOllamaServerTest, DigestMismatchIs400AndKeepsTheDataUnderItsRealDigest)
{
    const QByteArray data = "hello";
    const QString real = sha256Of(data);
    RawResponse r = http("POST", "/api/blobs/" + kZeros, data);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.bodyJson()["error"],
              "digest mismatch, expected \"" + kZeros.toStdString() + "\", got \"" + real.toStdString() + "\"");
    EXPECT_TRUE(m_server->hasBlob(real));
    // Upper-case hex is a valid format but never equal to the computed digest.
    const QByteArray upper = "sha256:" + real.mid(7).toUpper().toLatin1();
    r = http("POST", "/api/blobs/" + upper, data);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.indexOf("digest mismatch"), -1);
}

TEST_F(FakeOllamaServerTest, ChunkedUploadIsAccepted)
{
    const QByteArray data = QByteArray(100000, 'x') + "tail";
    const QString digest = sha256Of(data);
    Connection c(m_server->port());
    c.send("POST /api/blobs/" + digest.toLatin1() +
           " HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (qsizetype at = 0; at < data.size(); at += 30000) {
        const QByteArray part = data.mid(at, 30000);
        c.send(QByteArray::number(part.size(), 16) + ";ext=1\r\n" + part + "\r\n");
    }
    c.send("0\r\nTrailer: x\r\n\r\n");
    EXPECT_EQ(c.read().status, 201);
    EXPECT_TRUE(m_server->hasBlob(digest));
    EXPECT_TRUE(m_server->requests().last().chunked);
}

TEST_F(FakeOllamaServerTest, ExistingBlobAnswers200WithoutReadingTheBody)
{
    const QByteArray data = "already here";
    const QString digest = upload(data);
    Connection c(m_server->port());
    // Announce a large body but send none of it: the answer must come anyway, and the connection closes.
    c.send("POST /api/blobs/" + digest.toLatin1() + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 50000000\r\n\r\n");
    const RawResponse r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Connection"), "close");
    EXPECT_TRUE(c.waitForClose());
    EXPECT_EQ(m_server->requests().last().bodySize, 0);
    // A small rest is drained and the connection stays usable.
    Connection k(m_server->port());
    k.send("POST /api/blobs/" + digest.toLatin1() + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12\r\n\r\n" +
           data);
    EXPECT_EQ(k.read().status, 200);
    k.send(requestBytes("GET", "/api/version"));
    EXPECT_EQ(k.read().status, 200);
}

TEST_F(FakeOllamaServerTest, KeepAliveAndPipelining)
{
    Connection c(m_server->port());
    c.send(requestBytes("GET", "/api/version") + requestBytes("HEAD", "/") + requestBytes("GET", "/"));
    EXPECT_EQ(c.read().status, 200);
    EXPECT_EQ(c.read(true).status, 200);
    EXPECT_EQ(c.read().body, "Ollama is running");
    const auto records = m_server->requests();
    ASSERT_EQ(records.size(), 3);
    EXPECT_EQ(records[0].connectionId, records[2].connectionId);
    // HTTP/1.0 closes by default.
    Connection old(m_server->port());
    old.send("GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(old.read().status, 200);
    EXPECT_TRUE(old.waitForClose());
}

TEST_F(FakeOllamaServerTest, MalformedRequestsGetNetHttpAnswers)
{
    Connection c(m_server->port());
    c.send("GET / HTTP/1.1\r\n\r\n");
    RawResponse r = c.read();
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, "400 Bad Request: missing required Host header");
    Connection d(m_server->port());
    d.send("POST /api/create HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    EXPECT_EQ(d.read().status, 400);
}

TEST_F(FakeOllamaServerTest, CreateChecksBeforeStreamingKeepTheirStatus)
{
    struct Case
    {
        QByteArray body;
        std::string error;
    };
    const QList<Case> cases = {
        {"", "missing request body"},
        {"   ", "missing request body"},
        {"x", "invalid character 'x' looking for beginning of value"},
        {"{\"model\":\"a\"", "unexpected EOF"},
        {"{\"model\" 1}", "invalid character '1' after object key"},
        {"{\"files\":\"config.json\"}",
         "json: cannot unmarshal string into Go struct field CreateRequest.files of type map[string]string"},
        {"{\"model\":1}", "json: cannot unmarshal number into Go struct field CreateRequest.model of type string"},
        {"{\"stream\":\"yes\"}",
         "json: cannot unmarshal string into Go struct field CreateRequest.stream of type bool"},
        {"[1]", "json: cannot unmarshal array into Go value of type api.CreateRequest"},
        {R"({"model":"m","files":{"/etc/passwd":"sha256:1"}})", "file path must be relative"},
        {R"({"model":"m","files":{"./config.json":"sha256:1"}})", "file path must be relative"},
        {R"({"model":"m","files":{"a/../b":"sha256:1"}})", "file path must be relative"},
        {R"({"model":"m","files":{"dir/":"sha256:1"}})", "file path must be relative"},
        {R"({"model":"m","files":{"config.json":""}})", "invalid digest format"},
        {R"({"model":"m","adapters":{"adapter.safetensors":""}})", "invalid digest format"},
        {R"({"model":"m","draft_quantize":"q8_0"})", "--draft-quantize requires a DRAFT model"},
        {R"({"model":"bad name","files":{"config.json":"sha256:1"}})", "invalid model name"},
        {R"({"files":{"config.json":"sha256:1"}})", "invalid model name"},
        {R"({"model":"foo:","files":{}})", "invalid model name"},
        {R"({"model":"a/b/c/d","files":{}})", "invalid model name"},
        {R"({"model":"-x","files":{}})", "invalid model name"},
    };
    for (const Case& c : cases) {
        const RawResponse r = http("POST", "/api/create", c.body);
        EXPECT_EQ(r.status, 400) << c.body.toStdString();
        EXPECT_EQ(r.header("Content-Type"), "application/json; charset=utf-8");
        EXPECT_EQ(r.bodyJson().value("error", std::string()), c.error) << c.body.toStdString();
    }
}

TEST_F(FakeOllamaServerTest, CreateFirstMessageErrorsGetRealStatus)
{
    struct Case
    {
        json request;
        int status;
        std::string error;
    };
    const QList<Case> cases = {
        {{{"model", "m"}}, 400, "neither 'from' or 'files' was specified"},
        {{{"model", "m"}, {"files", json::object()}}, 400, "unknown type"},
        {{{"model", "m"}, {"files", {{"model.safetensors", kZeros.toStdString()}}}}, 400, "unknown type"},
        {{{"model", "m"}, {"from", "bad name"}}, 400, "invalid model name"},
    };
    for (const Case& c : cases) {
        const RawResponse r = create(c.request);
        EXPECT_EQ(r.status, c.status) << c.request.dump();
        EXPECT_EQ(r.header("Content-Type"), "application/json");
        EXPECT_EQ(r.bodyJson().value("error", std::string()), c.error);
    }
    // Unknown fields are ignored, "name" is an alias for "model".
    const RawResponse r = create({{"name", "m"}, {"whatever", 1}});
    EXPECT_EQ(r.bodyJson().value("error", std::string()), "neither 'from' or 'files' was specified");
    // A missing "from" model is pulled first, so the error comes inline.
    const RawResponse pull = create({{"model", "m"}, {"from", "nothere"}});
    EXPECT_EQ(pull.status, 200);
    EXPECT_EQ(statuses(pull), (QStringList{QStringLiteral("pulling manifest"),
                                           QStringLiteral("error: pull model manifest: file does not exist")}));
}

TEST_F(FakeOllamaServerTest, CreateFromSafetensorsStreamsProgressAndInstallsTheModel)
{
    const json files = uploadModel();
    const json request = {{"model", "acme/merged-llama:q4"},
                          {"files", files},
                          {"quantize", "q4_K_M"},
                          {"template", "{{ .System }} {{ .Prompt }}"},
                          {"system", "You are helpful."},
                          {"parameters", {{"temperature", 0.7}, {"stop", {"<|eot_id|>"}}}},
                          {"license", "MIT"}};
    const RawResponse r = create(request);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/x-ndjson");
    EXPECT_TRUE(r.complete);
    const QList<json> lines = r.lines();
    const QStringList s = statuses(r);
    ASSERT_GE(s.size(), 8);
    EXPECT_EQ(s.first(), QStringLiteral("converting model"));
    EXPECT_EQ(s[1], QStringLiteral("quantizing F16 model to Q4_K_M"));
    EXPECT_EQ(lines[1]["digest"], "0000000000000000000");
    EXPECT_GT(lines[1]["total"].get<qint64>(), 0);
    EXPECT_TRUE(s.contains(QStringLiteral("verifying conversion")));
    EXPECT_TRUE(
        std::any_of(s.begin(), s.end(), [](const QString& x) { return x.startsWith("creating new layer sha256:"); }));
    EXPECT_EQ(s[s.size() - 2], QStringLiteral("writing manifest"));
    EXPECT_EQ(s.last(), QStringLiteral("success"));

    const std::optional<json> model = m_server->model(QStringLiteral("ACME/merged-llama:q4"));
    ASSERT_TRUE(model.has_value());
    EXPECT_EQ((*model)["name"], "acme/merged-llama:q4");
    EXPECT_EQ((*model)["digest"].get<std::string>().size(), 64u);
    EXPECT_EQ((*model)["details"]["format"], "gguf");
    EXPECT_EQ((*model)["details"]["family"], "llama");
    EXPECT_EQ((*model)["details"]["quantization_level"], "Q4_K_M");
    EXPECT_EQ((*model)["template"], "{{ .System }} {{ .Prompt }}");
    EXPECT_EQ((*model)["parameters"]["stop"][0], "<|eot_id|>");
    EXPECT_EQ(m_server->lastCreateRequest()->value("quantize", std::string()), "q4_K_M");

    const json tags = http("GET", "/api/tags").bodyJson();
    ASSERT_EQ(tags["models"].size(), 1u);
    EXPECT_EQ(tags["models"][0]["model"], "acme/merged-llama:q4");
    EXPECT_FALSE(tags["models"][0].contains("record"));

    RawResponse show = http("POST", "/api/show", R"({"name":"acme/merged-llama:q4"})");
    EXPECT_EQ(show.status, 200);
    const json shown = show.bodyJson();
    for (const char* key :
         {"details", "model_info", "modelfile", "parameters", "template", "system", "capabilities", "modified_at"}) {
        EXPECT_TRUE(shown.contains(key)) << key;
    }
    EXPECT_TRUE(shown["model_info"].is_object());
    EXPECT_EQ(shown["system"], "You are helpful.");
    EXPECT_NE(shown["parameters"].get<std::string>().find("stop                           \"<|eot_id|>\""),
              std::string::npos);

    // The raw safetensors blobs are not part of the model: a restart prunes them.
    EXPECT_EQ(m_server->restart(), 4);
    for (const auto& [file, digest] : files.items()) {
        EXPECT_FALSE(m_server->hasBlob(QString::fromStdString(digest.get<std::string>()))) << file;
    }
    EXPECT_TRUE(m_server->model(QStringLiteral("acme/merged-llama:q4")).has_value());
    EXPECT_EQ(http("GET", "/api/version").status, 200); // listening again on the same port
}

TEST_F(FakeOllamaServerTest, CreateWithoutQuantizeValidatesAndRecreateOverwritesCaseInsensitively)
{
    const json files = uploadModel();
    RawResponse r = create({{"model", "Mario"}, {"files", files}});
    QStringList s = statuses(r);
    EXPECT_EQ(s[1], QStringLiteral("validating GGUF model"));
    EXPECT_TRUE(s.contains(QStringLiteral("using autodetected template llama3-instruct")));
    EXPECT_EQ(s.last(), QStringLiteral("success"));
    r = create({{"model", "mario"}, {"files", files}, {"system", "second"}});
    EXPECT_EQ(statuses(r).last(), QStringLiteral("success"));
    EXPECT_EQ(m_server->modelNames(), QStringList{QStringLiteral("Mario:latest")});
    EXPECT_EQ((*m_server->model(QStringLiteral("mario")))["system"], "second");
    EXPECT_EQ((*m_server->model(QStringLiteral("mario")))["details"]["quantization_level"], "F16");
}

TEST_F(FakeOllamaServerTest, CreateStreamFalseAnswersOnce)
{
    const json files = uploadModel();
    RawResponse r = create({{"model", "m"}, {"files", files}, {"stream", false}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"status":"success"})");
    r = create({{"model", "m"}, {"files", files}, {"stream", false}, {"quantize", "q3_K_S"}});
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.bodyJson()["error"],
              "unsupported quantization type Q3_K_S - supported types are F32, F16, Q4_K_S, Q4_K_M, Q8_0");
}

TEST_F(FakeOllamaServerTest, ConversionErrorsArriveInline)
{
    struct Case
    {
        const char* architecture;
        const char* dtype;
        json extra;
        std::string error;
    };
    const QList<Case> cases = {
        {"Qwen3ForCausalLM", "F16", {}, "unsupported architecture \"Qwen3ForCausalLM\""},
        {"MistralForCausalLM", "F16", {}, "unsupported architecture \"MistralForCausalLM\""},
        {"LlamaForCausalLM", "U8", {}, "unknown data type: U8"},
        {"LlamaForCausalLM",
         "F16",
         {{"quantize", "q3_K_S"}},
         "unsupported quantization type Q3_K_S - supported types are F32, F16, Q4_K_S, Q4_K_M, Q8_0"},
        {"LlamaForCausalLM", "F16", {{"template", "{{ .Prompt"}}, "template error: template: :1: unclosed action"},
    };
    for (const Case& c : cases) {
        json request = {{"model", "m"}, {"files", uploadModel(c.architecture, c.dtype)}};
        if (c.extra.is_object()) {
            request.update(c.extra);
        }
        const RawResponse r = create(request);
        EXPECT_EQ(r.status, 200);
        const QStringList s = statuses(r);
        ASSERT_GE(s.size(), 2);
        EXPECT_EQ(s.first(), QStringLiteral("converting model"));
        EXPECT_EQ(s.last().toStdString(), "error: " + c.error);
        EXPECT_FALSE(s.contains(QStringLiteral("success")));
    }
    json files = uploadModel();
    files.erase("tokenizer.json");
    EXPECT_EQ(statuses(create({{"model", "m"}, {"files", files}})).last(),
              QStringLiteral("error: unknown tokenizer format"));
    EXPECT_TRUE(m_server->modelNames().isEmpty());
}

TEST_F(FakeOllamaServerTest, FromCreateReusesLayersAndChecksTheSourceType)
{
    ASSERT_TRUE(m_server->addModel(QStringLiteral("base:q4"), QStringLiteral("Q4_K_M")));
    RawResponse r = create({{"model", "derived"}, {"from", "base:q4"}, {"system", "hi"}});
    QStringList s = statuses(r);
    EXPECT_TRUE(s.first().startsWith(QStringLiteral("using existing layer sha256:")));
    EXPECT_EQ(s.last(), QStringLiteral("success"));
    r = create({{"model", "derived2"}, {"from", "base:q4"}, {"quantize", "q8_0"}});
    EXPECT_EQ(r.status, 500); // first message
    EXPECT_EQ(r.bodyJson()["error"], "quantization is only supported for F16, BF16 and F32 models");
}

TEST_F(FakeOllamaServerTest, ShowAndDeleteErrorTables)
{
    RawResponse r = http("POST", "/api/show", "");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.bodyJson()["error"], "missing request body");
    r = http("POST", "/api/show", "{}");
    EXPECT_EQ(r.bodyJson()["error"], "model is required");
    r = http("POST", "/api/show", R"({"model":"bad name"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.bodyJson()["error"], "invalid model name");
    r = http("POST", "/api/show", R"({"model":"mario"})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.bodyJson()["error"], "model 'mario:latest' not found");

    r = http("DELETE", "/api/delete", "");
    EXPECT_EQ(r.bodyJson()["error"], "missing request body");
    r = http("DELETE", "/api/delete", R"({"model":""})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.bodyJson()["error"], "model is required");
    r = http("DELETE", "/api/delete", R"({"model":"bad name"})");
    EXPECT_EQ(r.bodyJson()["error"], "name \"bad name\" is invalid");
    r = http("DELETE", "/api/delete", R"({"model":"mario"})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.bodyJson()["error"], "model 'mario' not found");

    ASSERT_TRUE(m_server->addModel(QStringLiteral("mario")));
    EXPECT_EQ(http("POST", "/api/show", R"({"model":"MARIO"})").status, 200);
    r = http("DELETE", "/api/delete", R"({"name":"Mario:latest"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.isEmpty());
    EXPECT_FALSE(m_server->model(QStringLiteral("mario")).has_value());
    EXPECT_EQ(http("GET", "/api/tags").body, R"({"models":[]})");

    ASSERT_TRUE(m_server->addModel(QStringLiteral("luigi")));
    EXPECT_EQ(http("POST", "/api/copy", R"({"source":"luigi","destination":"peach"})").status, 200);
    EXPECT_TRUE(m_server->model(QStringLiteral("peach")).has_value());
    r = http("POST", "/api/copy", R"({"source":"nobody","destination":"x"})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.bodyJson()["error"], "model \"nobody\" not found");
}

TEST_F(FakeOllamaServerTest, RecordsWhatTheClientSent)
{
    http("POST", "/api/show", R"({"model":"x","verbose":true})", "X-Trace: abc\r\n");
    const auto records = m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/show"));
    ASSERT_EQ(records.size(), 1);
    EXPECT_EQ(records[0].header("x-trace"), "abc");
    EXPECT_EQ(records[0].status, 404);
    EXPECT_TRUE(records[0].finished);
    ASSERT_TRUE(records[0].json.has_value());
    EXPECT_EQ((*records[0].json)["verbose"], true);
    m_server->clearRequests();
    EXPECT_TRUE(m_server->requests().isEmpty());
}

TEST_F(FakeOllamaServerTest, QtNetworkClientCanTalkToIt)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(m_server->url() + QStringLiteral("/api/delete")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    std::unique_ptr<QNetworkReply> reply(manager.sendCustomRequest(request, "DELETE", R"({"model":"gone"})"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return reply->isFinished(); }, 10000));
    EXPECT_EQ(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 404);
    EXPECT_EQ(reply->readAll(), R"({"error":"model 'gone' not found"})");
}

TEST_F(FakeOllamaServerTest, FaultRefuseConnections)
{
    m_server->setRefuseConnections(true);
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
    EXPECT_FALSE(socket.waitForConnected(5000));
    EXPECT_EQ(socket.error(), QAbstractSocket::ConnectionRefusedError);
    m_server->setRefuseConnections(false);
    EXPECT_EQ(http("GET", "/").status, 200);
}

TEST_F(FakeOllamaServerTest, FaultDropUploadAfterBytes)
{
    m_server->setDropUploadAfter(100000, 1);
    const QByteArray data(1 << 20, 'd');
    const QString digest = sha256Of(data);
    Connection c(m_server->port());
    c.send(requestBytes("POST", "/api/blobs/" + digest.toLatin1(), data));
    const RawResponse r = c.read();
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.closed);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_server->requests().last().aborted; }, 5000));
    EXPECT_EQ(m_server->requests().last().bodySize, 100000);
    EXPECT_FALSE(m_server->hasBlob(digest));
    EXPECT_TRUE(QDir(m_dir.path() + QStringLiteral("/blobs")).entryList(QDir::Files | QDir::Hidden).isEmpty());
    // Only once: the retry goes through.
    EXPECT_EQ(http("POST", "/api/blobs/" + digest.toLatin1(), data).status, 201);
}

TEST_F(FakeOllamaServerTest, FaultStallUploadUntilReleased)
{
    m_server->setStallUploadAfter(64 * 1024, 1);
    // More than loopback's socket buffers can hold, so the stall shows on the client side.
    const QByteArray data(64 << 20, 's');
    const QString digest = sha256Of(data);
    Connection c(m_server->port());
    c.socket().write(requestBytes("POST", "/api/blobs/" + digest.toLatin1(), data));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            c.socket().waitForBytesWritten(10);
            return m_server->stalledUploadCount() == 1;
        },
        10000));
    // The server stopped reading: the client cannot push the whole body through.
    for (int i = 0; i < 20; ++i) {
        c.socket().waitForBytesWritten(10);
    }
    EXPECT_GT(c.socket().bytesToWrite(), 0);
    EXPECT_EQ(m_server->requests().last().bodySize, 64 * 1024);
    m_server->releaseStalledUploads();
    const RawResponse r = c.read(false, 30000);
    EXPECT_EQ(r.status, 201);
    EXPECT_TRUE(m_server->hasBlob(digest));
    EXPECT_EQ(m_server->stalledUploadCount(), 0);
}

TEST_F(FakeOllamaServerTest, FaultHoldCreateUntilReleased)
{
    const json files = uploadModel();
    m_server->setHoldCreate(true);
    Connection c(m_server->port());
    c.send(requestBytes("POST", "/api/create", json{{"model", "held"}, {"files", files}}.dump().c_str()));
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_server->heldCreateCount() == 1; }, 10000));
    // Only the first line is out.
    c.socket().waitForReadyRead(200);
    c.buffer() += c.socket().readAll();
    EXPECT_NE(c.buffer().indexOf("converting model"), -1);
    EXPECT_EQ(c.buffer().indexOf("success"), -1);
    EXPECT_FALSE(m_server->model(QStringLiteral("held")).has_value());
    m_server->releaseHeldCreate();
    const RawResponse r = c.read();
    EXPECT_EQ(statuses(r).last(), QStringLiteral("success"));
    EXPECT_EQ(m_server->heldCreateCount(), 0);
    EXPECT_TRUE(m_server->model(QStringLiteral("held")).has_value());

    // A release that comes first lets the next create through; a client that hangs up while held is recorded.
    m_server->releaseHeldCreate();
    EXPECT_EQ(statuses(create({{"model", "early"}, {"files", files}})).last(), QStringLiteral("success"));
    {
        Connection gone(m_server->port());
        gone.send(requestBytes("POST", "/api/create", json{{"model", "gone"}, {"files", files}}.dump().c_str()));
        ASSERT_TRUE(QTest::qWaitFor([&] { return m_server->heldCreateCount() == 1; }, 10000));
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_server->heldCreateCount() == 0; }, 10000));
    EXPECT_TRUE(m_server->requests().last().aborted);
    EXPECT_FALSE(m_server->model(QStringLiteral("gone")).has_value());
}

TEST_F(FakeOllamaServerTest, FaultInlineErrorAfterLines)
{
    const json files = uploadModel();
    m_server->setCreateErrorAfterLines(1, QStringLiteral("unsupported architecture \"Qwen3ForCausalLM\""));
    RawResponse r = create({{"model", "m"}, {"files", files}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(statuses(r), (QStringList{QStringLiteral("converting model"),
                                        QStringLiteral("error: unsupported architecture \"Qwen3ForCausalLM\"")}));
    EXPECT_TRUE(r.complete);
    m_server->setCreateErrorAfterLines(0, QStringLiteral("boom"), 400);
    r = create({{"model", "m"}, {"files", files}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body, R"({"error":"boom"})");
    // The v0.5.5-0.12.5 style: 200 and a line with the status.
    m_server->setInlineStreamErrors(true);
    r = create({{"model", "m"}, {"files", files}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"error\":\"boom\",\"status\":400}\n");
    EXPECT_TRUE(m_server->modelNames().isEmpty());
}

TEST_F(FakeOllamaServerTest, VersionErasChangeCreateBehaviour)
{
    const json files = uploadModel();
    m_server->setVersion(QStringLiteral("0.12.5"));
    RawResponse r = create({{"model", "m"}});
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "{\"error\":\"neither 'from' or 'files' was specified\",\"status\":400}\n");
    r = create({{"model", "m"}, {"files", files}, {"quantize", "q4_0"}});
    EXPECT_EQ(statuses(r).last(),
              QStringLiteral("error: unsupported quantization type Q4_0 - supported types are F32, F16, Q4_K_S, "
                             "Q4_K_M, Q8_0"));
    m_server->setVersion(QStringLiteral("0.6.4"));
    r = create({{"model", "m"}, {"files", files}, {"quantize", "q4_0"}});
    const QStringList s = statuses(r);
    EXPECT_TRUE(s.contains(QStringLiteral("quantizing F16 model to Q4_0")));
    EXPECT_FALSE(s.contains(QStringLiteral("verifying conversion")));
    EXPECT_EQ(s.last(), QStringLiteral("success"));
    r = create({{"model", "m"}, {"files", uploadModel("Qwen3ForCausalLM")}});
    EXPECT_EQ(statuses(r).last(), QStringLiteral("error: unsupported architecture"));
}

TEST_F(FakeOllamaServerTest, FaultOldVersionUsesLegacyCreate)
{
    m_server->setVersion(QStringLiteral("0.5.4"));
    const json files = uploadModel();
    RawResponse r = create({{"model", "m"}, {"files", files}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.bodyJson()["error"], "path or Modelfile are required");
    r = create({{"model", "m"}, {"modelfile", "TEMPLATE x"}});
    EXPECT_EQ(r.bodyJson()["error"], "no FROM line");
    const QString zip = upload(QByteArray("PK\x03\x04", 4) + "zipped model");
    r = create(
        {{"model", "legacy"},
         {"name", "legacy"},
         {"modelfile", ("FROM @" + zip + "\nSYSTEM \"\"\"be\nbrief\"\"\"\nPARAMETER num_ctx 4096\n").toStdString()},
         {"quantize", "q4_K_M"}});
    const QStringList s = statuses(r);
    EXPECT_EQ(s.first(), QStringLiteral("converting model"));
    EXPECT_TRUE(s.contains(QStringLiteral("quantizing F16 model to Q4_K_M")));
    EXPECT_EQ(s.last(), QStringLiteral("success"));
    const std::optional<json> model = m_server->model(QStringLiteral("legacy"));
    ASSERT_TRUE(model.has_value());
    EXPECT_EQ((*model)["system"], "be\nbrief");
    EXPECT_EQ((*model)["parameters"]["num_ctx"], 4096);
}

TEST_F(FakeOllamaServerTest, FaultHtmlResponses)
{
    m_server->setHtmlResponses(true);
    const RawResponse r = http("GET", "/api/version");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_TRUE(r.body.startsWith("<!DOCTYPE html>"));
    EXPECT_EQ(http("POST", "/api/create", "{}").header("Content-Type"), "text/html; charset=utf-8");
}

TEST_F(FakeOllamaServerTest, FaultTruncatedStream)
{
    const json files = uploadModel();
    m_server->setTruncateCreateAfterLines(1);
    Connection c(m_server->port());
    c.send(requestBytes("POST", "/api/create", json{{"model", "m"}, {"files", files}}.dump().c_str()));
    RawResponse r = c.read();
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.complete);
    EXPECT_TRUE(r.closed);
    EXPECT_NE(r.body.indexOf("converting model"), -1);
    m_server->setTruncateCreateAfterLines(2, true);
    r = create({{"model", "m"}, {"files", files}});
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(statuses(r).size(), 2);
    EXPECT_FALSE(statuses(r).contains(QStringLiteral("success")));
    EXPECT_TRUE(m_server->modelNames().isEmpty());
}

TEST_F(FakeOllamaServerTest, StartPrunesOnlyOldUnusedBlobs)
{
    const QString fresh = upload("fresh");
    ASSERT_TRUE(m_server->addModel(QStringLiteral("kept")));
    m_server.reset();
    {
        // A new server on the same state: HEAD-era grace keeps blobs younger than an hour.
        FakeOllamaServer again(m_dir.path());
        ASSERT_TRUE(again.listen());
        EXPECT_TRUE(again.hasBlob(fresh));
        EXPECT_EQ(again.restart(false), 0);
        QFile file(again.blobPath(fresh));
        ASSERT_TRUE(file.open(QIODevice::ReadWrite));
        file.setFileTime(QDateTime::currentDateTime().addSecs(-7200), QFileDevice::FileModificationTime);
        file.close();
        EXPECT_EQ(again.restart(false), 1);
        EXPECT_FALSE(again.hasBlob(fresh));
        EXPECT_TRUE(again.model(QStringLiteral("kept")).has_value());
        EXPECT_EQ(again.blobDigests().size(), 1);
    }
}

TEST_F(FakeOllamaServerTest, RunsAsASubprocess)
{
    QTemporaryDir state;
    QProcess process;
    process.start(QStringLiteral(DEEPEXT_FAKE_OLLAMA_PATH),
                  {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--state"), state.path(),
                   QStringLiteral("--version"), QStringLiteral("0.5.4")});
    ASSERT_TRUE(process.waitForStarted(10000));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return process.canReadLine() || !process.waitForReadyRead(100) ? process.canReadLine() : false; },
        10000));
    const QString line = QString::fromUtf8(process.readLine()).trimmed();
    ASSERT_TRUE(line.startsWith(QStringLiteral("listening on http://127.0.0.1:"))) << line.toStdString();
    const quint16 port = static_cast<quint16>(line.section(u':', -1).toUInt());
    Connection c(port);
    ASSERT_TRUE(c.connected());
    c.send("GET /api/version HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(c.read().body, R"({"version":"0.5.4"})");
    process.kill();
    process.waitForFinished(10000);
}

TEST(FakeOllamaHttpRequestParser, ParsesByteByByte)
{
    const QByteArray input = "\r\nPOST /api/blobs/x?y=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\nGET / HTTP/1.0\n\n";
    HttpRequestParser parser;
    QByteArray body;
    QList<HttpRequestParser::Kind> events;
    QByteArray firstPath;
    for (char c : input) {
        std::size_t offset = 0;
        while (true) {
            const auto r = parser.parse(&c + offset, 1 - offset);
            offset += r.consumed;
            if (r.kind == HttpRequestParser::Kind::NeedMore) {
                break;
            }
            if (r.kind != HttpRequestParser::Kind::Body) {
                events.append(r.kind);
            }
            if (r.kind == HttpRequestParser::Kind::Head && firstPath.isEmpty()) {
                firstPath = parser.head().path();
            } else if (r.kind == HttpRequestParser::Kind::Head) {
                EXPECT_FALSE(parser.head().keepAlive()); // HTTP/1.0
            }
            if (r.kind == HttpRequestParser::Kind::Body) {
                body += r.body.toByteArray();
            }
            ASSERT_NE(r.kind, HttpRequestParser::Kind::Error) << parser.errorText().toStdString();
        }
    }
    EXPECT_EQ(firstPath, "/api/blobs/x");
    EXPECT_EQ(body, "abcde");
    EXPECT_EQ(events, (QList<HttpRequestParser::Kind>{
                          HttpRequestParser::Kind::Head, HttpRequestParser::Kind::MessageComplete,
                          HttpRequestParser::Kind::Head, HttpRequestParser::Kind::MessageComplete}));
}

TEST(FakeOllamaHttpRequestParser, RejectsMalformedInput)
{
    for (const QByteArray& input :
         {QByteArray("GET /\r\n\r\n"), QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
          QByteArray("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"),
          QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
          QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
          QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n")}) {
        HttpRequestParser parser;
        const auto r = parser.parse(input.constData(), static_cast<std::size_t>(input.size()));
        EXPECT_EQ(r.kind, HttpRequestParser::Kind::Error) << input.toStdString();
        EXPECT_GE(parser.errorStatus(), 400);
    }
}

namespace {

// A small valid GGUF (one F32 tensor) whose general.file_type says `fileType` (1 F16, 7 Q8_0, 32 BF16).
QByteArray tinyGguf(const QString& directory, std::uint32_t fileType)
{
    using namespace deepext::gguf;
    const std::string path = directory.toStdString() + "/tiny-" + std::to_string(fileType) + ".gguf";
    GgufMetadata metadata;
    metadata.set("general.architecture", GgufValue::string("qwen3"));
    metadata.set("general.file_type", GgufValue::uint32(fileType));
    GgufWriter writer(path, metadata, {GgufTensorInfo{"token_embd.weight", GgmlType::F32, {32, 1}, 0}});
    const std::vector<float> values(32, 0.5F);
    writer.append(values.data(), values.size() * sizeof(float));
    writer.finish();
    QFile file(QString::fromStdString(path));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly));
    return file.readAll();
}

} // namespace

TEST_F(FakeOllamaServerTest, GgufCreateDecodesTheFileAndQuantizesOnlyFloatTypes)
{
    QTemporaryDir files;
    const QString bf16 = upload(tinyGguf(files.path(), 32));
    QStringList s = statuses(create({{"model", "g"}, {"files", {{"model.gguf", bf16.toStdString()}}}}));
    EXPECT_EQ(s.first(), QStringLiteral("parsing GGUF"));
    EXPECT_EQ(s.last(), QStringLiteral("success"));

    s = statuses(create({{"model", "g4"}, {"files", {{"model.gguf", bf16.toStdString()}}}, {"quantize", "q4_K_M"}}));
    EXPECT_TRUE(s.contains(QStringLiteral("quantizing BF16 model to Q4_K_M"))) << s.join(u'|').toStdString();
    EXPECT_EQ(s.last(), QStringLiteral("success"));

    const QString q8 = upload(tinyGguf(files.path(), 7));
    s = statuses(create({{"model", "q8"}, {"files", {{"model.gguf", q8.toStdString()}}}, {"quantize", "q4_K_M"}}));
    EXPECT_EQ(s.last(), QStringLiteral("error: quantization is only supported for F16, BF16 and F32 models"));
    s = statuses(create({{"model", "q8"}, {"files", {{"model.gguf", q8.toStdString()}}}}));
    EXPECT_EQ(s.last(), QStringLiteral("success")) << "a Q8_0 GGUF deploys as written";

    // The right magic, a damaged rest: it fails after "parsing GGUF", and nothing is created.
    QByteArray truncated = tinyGguf(files.path(), 1);
    truncated.chop(16);
    const QString bad = upload(truncated);
    s = statuses(create({{"model", "bad"}, {"files", {{"model.gguf", bad.toStdString()}}}}));
    EXPECT_EQ(s.first(), QStringLiteral("parsing GGUF"));
    EXPECT_EQ(s.last(), QStringLiteral("error: unexpected EOF"));
    for (const QString& name : m_server->modelNames()) {
        EXPECT_FALSE(name.startsWith(QStringLiteral("bad"))) << name.toStdString();
    }
}
