// libFuzzer target for how the Ollama client reads answers, above all the NDJSON progress stream of /api/create.
// OllamaCall's line handling is private, so the target goes through the public API: a real OllamaClient on a
// QNetworkAccessManager whose replies come from the input instead of a socket, delivered in chunks so that lines
// split across reads are exercised. Input layout:
//   byte 0   endpoint: create (most values), tags, version, show, delete, head, testConnection
//   byte 1   HTTP status (200, 201, 400, 403, 404, 500, ...)
//   byte 2   bit 0: Content-Type text/html; bit 1: the connection drops at the end; bits 2-7: chunk size - 1
//   rest     the response body
#include "FuzzEntry.h"
#include "deepext/ollama/OllamaClient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>
#include <array>

namespace {
namespace ollama_response_fuzz {

// A reply that plays back a body in chunks from the event loop, as a socket would deliver it.
class PlaybackReply : public QNetworkReply
{
public:
    PlaybackReply(QNetworkAccessManager::Operation operation, const QNetworkRequest& request, QByteArray body,
                  int status, bool html, bool drop, qsizetype chunk, QObject* parent)
        : QNetworkReply(parent)
        , m_body(std::move(body))
        , m_drop(drop)
        , m_chunk(chunk)
    {
        setOperation(operation);
        setRequest(request);
        setUrl(request.url());
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
        if (status > 0) {
            setAttribute(QNetworkRequest::HttpStatusCodeAttribute, status);
        }
        setHeader(QNetworkRequest::ContentTypeHeader,
                  html ? QByteArrayLiteral("text/html; charset=utf-8") : QByteArrayLiteral("application/x-ndjson"));
        QTimer::singleShot(0, this, &PlaybackReply::deliver);
    }

    void abort() override { m_aborted = true; }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_available.size() - m_read + QIODevice::bytesAvailable(); }
    bool done() const { return m_done; }

protected:
    qint64 readData(char* out, qint64 max) override
    {
        const qint64 n = std::min<qint64>(max, m_available.size() - m_read);
        std::copy_n(m_available.constData() + m_read, n, out);
        m_read += n;
        return n;
    }

private:
    void deliver()
    {
        if (m_aborted) {
            finish();
            return;
        }
        if (m_sent < m_body.size()) {
            const qsizetype n = std::min(m_chunk, m_body.size() - m_sent);
            m_available.append(m_body.constData() + m_sent, n);
            m_sent += n;
            emit readyRead();
            QTimer::singleShot(0, this, &PlaybackReply::deliver);
            return;
        }
        if (m_drop) {
            setError(QNetworkReply::RemoteHostClosedError, QStringLiteral("Connection closed"));
            emit errorOccurred(QNetworkReply::RemoteHostClosedError);
        }
        finish();
    }

    void finish()
    {
        if (m_done) {
            return;
        }
        m_done = true;
        setFinished(true);
        emit finished();
    }

    QByteArray m_body;
    QByteArray m_available;
    qint64 m_read = 0;
    qsizetype m_sent = 0;
    bool m_drop;
    bool m_aborted = false;
    bool m_done = false;
    qsizetype m_chunk;
};

class PlaybackNetwork : public QNetworkAccessManager
{
public:
    QByteArray body;
    int status = 200;
    bool html = false;
    bool drop = false;
    qsizetype chunk = 1;

protected:
    QNetworkReply* createRequest(Operation operation, const QNetworkRequest& request, QIODevice*) override
    {
        return new PlaybackReply(operation, request, body, status, html, drop, chunk, this);
    }
};

void ensureApplication()
{
    if (!QCoreApplication::instance()) {
        static int argc = 1;
        static char name[] = "ollama_response_fuzz";
        static char* argv[] = {name, nullptr};
        new QCoreApplication(argc, argv);
    }
}

} // namespace ollama_response_fuzz
} // namespace

DEEPEXT_FUZZ_ENTRY(ollamaResponse)
{
    using namespace ollama_response_fuzz;
    using deepext::ollama::OllamaCall;
    using deepext::ollama::OllamaClient;
    using deepext::ollama::OllamaResult;
    if (size < 3) {
        return 0;
    }
    ensureApplication();
    static constexpr std::array<int, 8> statuses = {200, 200, 201, 400, 403, 404, 500, 0};
    PlaybackNetwork network;
    network.status = data[1] < 8 ? statuses[data[1]] : 100 + data[1] * 2; // also odd codes
    network.html = (data[2] & 1) != 0;
    network.drop = (data[2] & 2) != 0;
    network.chunk = (data[2] >> 2) + 1;
    network.body = QByteArray(reinterpret_cast<const char*>(data + 3), static_cast<qsizetype>(size - 3));

    OllamaClient client(&network, QUrl(QStringLiteral("http://127.0.0.1:11434")));
    OllamaCall* call = nullptr;
    switch (data[0] % 10) {
    case 1:
        call = client.tags();
        break;
    case 2:
        call = client.version();
        break;
    case 3:
        call = client.show(QStringLiteral("m"));
        break;
    case 4:
        call = client.deleteModel(QStringLiteral("m"));
        break;
    case 5:
        call = client.headBlob(QStringLiteral("sha256:") + QString(64, QLatin1Char('0')));
        break;
    case 6:
        call = client.testConnection();
        break;
    default:
        call = client.create({{"model", "m"}, {"files", nlohmann::json::object()}});
        break;
    }
    int finishedCount = 0;
    OllamaResult result;
    QObject::connect(call, &OllamaCall::finished, [&](const OllamaResult& r) {
        ++finishedCount;
        result = r;
    });
    const bool isCreate = data[0] % 10 == 0 || data[0] % 10 > 6;
    QObject::connect(call, &OllamaCall::progress, [isCreate](qint64, qint64 total) {
        // A create reports progress only for a positive "total"; a huge one must not wrap (found by this target).
        if (isCreate) {
            FUZZ_CHECK(total > 0);
        }
    });
    QObject::connect(call, &OllamaCall::statusLine, [](const QString&) {});

    // Every chunk is one event-loop turn; a call still open well after the reply ended never reports (a hang).
    QElapsedTimer clock;
    clock.start();
    while (finishedCount == 0 && clock.elapsed() < 3000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
    FUZZ_CHECK(finishedCount == 1);
    FUZZ_CHECK(call->isFinished());
    QCoreApplication::processEvents(QEventLoop::AllEvents);
    FUZZ_CHECK(finishedCount == 1);
    if (result.ok()) {
        FUZZ_CHECK(result.errorKind == OllamaResult::ErrorKind::None);
    } else {
        FUZZ_CHECK(!result.message.isEmpty());
    }
    delete call;
    return 0;
}
