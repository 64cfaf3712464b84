#include "HttpConnection.h"

#include "ApiRoute.h"
#include "BlobHandlers.h"
#include "ChatPlanner.h"
#include "GoEncoding.h"
#include "HostCheck.h"
#include "ModelHandlers.h"
#include "ServerHandlers.h"

#include <QDateTime>
#include <QLocale>
#include <QTimer>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <sys/socket.h>

namespace deepext::fake {

namespace {

constexpr qint64 kReadChunk = 1 << 20;
constexpr qint64 kMaxBuffered = 64 << 20;
constexpr qint64 kRecordBodyLimit = 1 << 20;
constexpr qint64 kPostHandlerDrain = 256 << 10; // net/http maxPostHandlerReadBytes

const char* reason(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Request Entity Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

QByteArray httpDate()
{
    return QLocale::c()
               .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"))
               .toLatin1() +
           " GMT";
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket* socket, ServerState& state, int id, QObject* parent)
    : QObject(parent)
    , m_socket(socket)
    , m_state(state)
    , m_id(id)
{
    m_socket->setParent(this);
    // A bounded read buffer makes "stop reading" push back on the client through TCP, like a stalled server.
    m_socket->setReadBufferSize(256 << 10);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::pump);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    QTimer::singleShot(0, this, &HttpConnection::pump);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::updateRecord(const std::function<void(RecordedRequest&)>& change)
{
    if (m_record >= 0) {
        m_state.updateRecord(m_record, change);
    }
}

void HttpConnection::abortNow()
{
    if (m_closing) {
        return;
    }
    m_closing = true;
    updateRecord([](RecordedRequest& r) {
        if (!r.finished) {
            r.aborted = true;
        }
    });
    m_upload.reset();
    m_socket->abort();
    onDisconnected();
}

void HttpConnection::onDisconnected()
{
    m_closing = true;
    updateRecord([](RecordedRequest& r) {
        if (!r.finished) {
            r.aborted = true;
        }
    });
    m_upload.reset();
    const bool wasHeld = isHeld();
    if (m_create) {
        m_create->stop();
    }
    if (m_chat) {
        m_chat->stop();
    }
    if (wasHeld || m_stalled) {
        m_stalled = false;
        emit stateChanged();
    }
    // Emitted once: the worker forgets the connection and deletes it later.
    if (!m_closedEmitted) {
        m_closedEmitted = true;
        emit closed(this);
    }
}

void HttpConnection::releaseHold()
{
    if (m_create) {
        m_create->release();
    }
}

void HttpConnection::releaseStall()
{
    m_stallAfter = -1;
    if (m_stalled) {
        m_stalled = false;
        emit stateChanged();
    }
    QTimer::singleShot(0, this, &HttpConnection::pump);
}

bool HttpConnection::applyUploadFaults(std::size_t& maxBody)
{
    const qint64 done = m_parser.bodyBytes();
    if (m_dropAfter >= 0) {
        if (done >= m_dropAfter) {
            updateRecord([done](RecordedRequest& r) { r.bodySize = done; });
            abortNow();
            return false;
        }
        maxBody = static_cast<std::size_t>(m_dropAfter - done);
    }
    if (m_stallAfter >= 0) {
        if (done >= m_stallAfter) {
            if (!m_stalled) {
                m_stalled = true;
                updateRecord([done](RecordedRequest& r) { r.bodySize = done; });
                emit stateChanged();
            }
            return false; // stop reading: the socket buffer fills and the client's writes block
        }
        maxBody = std::min(maxBody, static_cast<std::size_t>(m_stallAfter - done));
    }
    return true;
}

void HttpConnection::pump()
{
    while (!m_closing && !m_busy) {
        if (m_inboxPos >= m_inbox.size()) {
            m_inbox = m_socket->read(kReadChunk);
            m_inboxPos = 0;
        }
        if (m_draining) {
            m_inboxPos = m_inbox.size(); // after a half-close everything is thrown away
            if (m_socket->bytesAvailable() == 0) {
                return;
            }
            continue;
        }
        std::size_t maxBody = SIZE_MAX;
        if (m_parser.inBody() && m_mode == BodyMode::Upload && !applyUploadFaults(maxBody)) {
            return;
        }
        const HttpRequestParser::Result result = m_parser.parse(
            m_inbox.constData() + m_inboxPos, static_cast<std::size_t>(m_inbox.size() - m_inboxPos), maxBody);
        m_inboxPos += static_cast<qsizetype>(result.consumed);
        switch (result.kind) {
        case HttpRequestParser::Kind::NeedMore:
            // The parser is called even with no new bytes, so a body-less request still completes.
            if (m_inboxPos >= m_inbox.size() && m_socket->bytesAvailable() == 0) {
                return;
            }
            break;
        case HttpRequestParser::Kind::Head:
            onHead();
            break;
        case HttpRequestParser::Kind::Body:
            onBody(result.body);
            break;
        case HttpRequestParser::Kind::MessageComplete:
            onComplete();
            break;
        case HttpRequestParser::Kind::Error: {
            // net/http's own answer to a malformed request: "400 Bad Request: <why>" as text, then close.
            m_head = {};
            writeResponse({m_parser.errorStatus(), GoEncoding::TextType,
                           QByteArray::number(m_parser.errorStatus()) + ' ' + m_parser.errorText()},
                          true);
            return;
        }
        }
    }
}

void HttpConnection::onHead()
{
    m_head = m_parser.head();
    m_mode = BodyMode::Discard;
    m_body.clear();
    m_bodyTooLarge = false;
    m_responded = false;
    m_dropAfter = -1;
    m_stallAfter = -1;
    m_upload.reset();

    RecordedRequest record;
    record.connectionId = m_id;
    record.method = QString::fromLatin1(m_head.method);
    record.target = QString::fromUtf8(m_head.target);
    record.path = QUrl::fromPercentEncoding(m_head.path());
    record.headers = m_head.headers;
    record.chunked = m_head.chunked();
    record.contentLength = m_head.contentLength();
    m_record = m_state.addRecord(record);

    const FaultSettings faults = m_state.faults();
    if (faults.htmlResponses) {
        return; // answered on completion
    }
    if (faults.hostCheck && !HostCheck::allowed(m_head.header("Host"))) {
        sendEarly({403, {}, {}});
        return;
    }
    const ApiRoute route = ApiRoute::match(record.path, m_head.method);
    if (route.endpoint == ApiRoute::Endpoint::None) {
        sendEarly({404, "text/plain", "404 page not found"});
        return;
    }
    if (!route.methodAllowed) {
        sendEarly({405, "text/plain", "405 method not allowed"});
        return;
    }
    if (route.endpoint == ApiRoute::Endpoint::Blob) {
        if (const auto answer = BlobHandlers(m_state).beforeBody(m_head.method, route.digest)) {
            sendEarly(*answer);
            return;
        }
        m_uploadDigest = route.digest;
        m_upload = std::make_unique<BlobUpload>(m_state.store().newUploadPath());
        m_mode = BodyMode::Upload;
        const QPair<qint64, qint64> uploadFaults = m_state.takeUploadFaults();
        m_dropAfter = uploadFaults.first;
        m_stallAfter = uploadFaults.second;
    } else if (route.buffersBody()) {
        m_mode = BodyMode::Buffer;
    }
    if (m_mode != BodyMode::Discard && m_head.header("Expect").toLower() == "100-continue") {
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
}

void HttpConnection::onBody(QByteArrayView data)
{
    const qint64 total = m_parser.bodyBytes();
    switch (m_mode) {
    case BodyMode::Discard:
        break;
    case BodyMode::Buffer:
        if (m_body.size() + data.size() > kMaxBuffered) {
            m_bodyTooLarge = true;
        } else {
            m_body.append(data);
        }
        break;
    case BodyMode::Upload:
        m_upload->write(data);
        break;
    }
    if (m_mode != BodyMode::Buffer || total <= kRecordBodyLimit) {
        updateRecord([total](RecordedRequest& r) { r.bodySize = total; });
    }
}

void HttpConnection::onComplete()
{
    const qint64 total = m_parser.bodyBytes();
    const QByteArray body = m_body;
    updateRecord([total, body](RecordedRequest& r) {
        r.bodySize = total;
        if (!body.isEmpty() && body.size() <= kRecordBodyLimit) {
            r.body = body;
            try {
                r.json = nlohmann::json::parse(body.toStdString());
            } catch (const nlohmann::json::exception&) {
                r.json.reset();
            }
        }
    });
    if (m_responded) {
        finishResponse(!m_head.keepAlive());
        return;
    }
    const FaultSettings faults = m_state.faults();
    if (faults.htmlResponses) {
        writeResponse({200, "text/html; charset=utf-8",
                       "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Network login "
                       "required</h1></body></html>\n"});
        return;
    }
    if (m_mode == BodyMode::Upload) {
        const BlobUpload::Received received = m_upload->finish();
        m_upload.reset();
        writeResponse(
            BlobHandlers(m_state).finishUpload(m_uploadDigest, received.tempPath, received.sha256Hex, received.error));
        return;
    }
    if (m_bodyTooLarge) {
        writeResponse({413, GoEncoding::JsonType, GoEncoding::error(QStringLiteral("http: request body too large"))},
                      true);
        return;
    }
    const ApiRoute route = ApiRoute::match(QUrl::fromPercentEncoding(m_head.path()), m_head.method);
    if (route.endpoint == ApiRoute::Endpoint::Create) {
        CreatePlan plan = CreatePlanner(m_state, m_state.version(), faults).plan(m_body);
        if (plan.preStatus != 0) {
            writeResponse({plan.preStatus, GoEncoding::JsonType, GoEncoding::error(plan.preError)});
            return;
        }
        m_busy = true;
        ResponseChannel& channel = *this;
        m_create = std::make_unique<CreateStreamPlayer>(std::move(plan), m_state, channel, faults.lineDelayMs);
        connect(m_create.get(), &CreateStreamPlayer::heldChanged, this, &HttpConnection::stateChanged);
        m_create->start();
        return;
    }
    if (route.endpoint == ApiRoute::Endpoint::Chat || route.endpoint == ApiRoute::Endpoint::Generate) {
        ChatPlan plan = ChatPlanner(m_state).plan(m_body, route.endpoint == ApiRoute::Endpoint::Generate);
        if (plan.immediate) {
            writeResponse(*plan.immediate);
            return;
        }
        m_busy = true;
        ResponseChannel& channel = *this;
        m_chat = std::make_unique<ChatStreamPlayer>(std::move(plan), channel);
        m_chat->start();
        return;
    }
    writeResponse(respond());
}

HttpResponse HttpConnection::respond() const
{
    const ApiRoute route = ApiRoute::match(QUrl::fromPercentEncoding(m_head.path()), m_head.method);
    switch (route.endpoint) {
    case ApiRoute::Endpoint::Root:
        return ServerHandlers(m_state).root();
    case ApiRoute::Endpoint::Version:
        return ServerHandlers(m_state).version();
    case ApiRoute::Endpoint::Ps:
        return ServerHandlers(m_state).ps();
    case ApiRoute::Endpoint::Tags:
        return ModelHandlers(m_state).tags();
    case ApiRoute::Endpoint::Show:
        return ModelHandlers(m_state).show(m_body);
    case ApiRoute::Endpoint::Delete:
        return ModelHandlers(m_state).remove(m_body);
    case ApiRoute::Endpoint::Copy:
        return ModelHandlers(m_state).copy(m_body);
    case ApiRoute::Endpoint::Create:
    case ApiRoute::Endpoint::Chat:
    case ApiRoute::Endpoint::Generate:
    case ApiRoute::Endpoint::Blob:
    case ApiRoute::Endpoint::None:
        break;
    }
    return {404, "text/plain", "404 page not found"};
}

void HttpConnection::writeResponse(const HttpResponse& response, bool close)
{
    close = close || !m_head.keepAlive();
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status) + "\r\n";
    if (!response.contentType.isEmpty()) {
        out += "Content-Type: " + response.contentType + "\r\n";
    }
    out += "Date: " + httpDate() + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    if (close) {
        out += "Connection: close\r\n";
    }
    out += "\r\n";
    if (m_head.method != "HEAD") {
        out += response.body;
    }
    // The record is complete before the client can see the answer, so tests read a settled record.
    const int status = response.status;
    updateRecord([status](RecordedRequest& r) {
        r.status = status;
        r.finished = true;
    });
    m_socket->write(out);
    m_socket->flush();
    if (!m_responded) {
        finishResponse(close);
    }
}

void HttpConnection::sendEarly(const HttpResponse& response)
{
    if (!m_parser.inBody()) {
        writeResponse(response); // no body follows: an ordinary response
        return;
    }
    const qint64 rest = m_head.chunked() ? -1 : std::max<qint64>(0, m_head.contentLength()) - m_parser.bodyBytes();
    const bool smallRest = rest >= 0 && rest <= kPostHandlerDrain;
    m_responded = true;
    m_mode = BodyMode::Discard;
    writeResponse(response, !smallRest);
    if (!smallRest) {
        closeAfterDrain();
    }
}

void HttpConnection::finishResponse(bool close)
{
    m_responded = false;
    m_record = -1;
    if (close) {
        m_closing = true;
        m_socket->disconnectFromHost();
    }
}

void HttpConnection::closeAfterDrain()
{
    // net/http closeWriteAndWait: FIN first so the client can read the answer, then a short wait before the close
    // that would otherwise reset the connection while the client is still sending.
    m_socket->flush();
    ::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR);
    m_draining = true;
    m_record = -1;
    QTimer::singleShot(500, this, [this]() {
        m_closing = true;
        m_socket->abort();
        onDisconnected();
    });
}

void HttpConnection::resumeReading()
{
    m_busy = false;
    if (!m_closing) {
        QTimer::singleShot(0, this, &HttpConnection::pump);
    }
}

void HttpConnection::send(const HttpResponse& response)
{
    m_busy = false;
    writeResponse(response);
    resumeReading();
}

void HttpConnection::startChunked(const QByteArray& contentType)
{
    updateRecord([](RecordedRequest& r) { r.status = 200; });
    m_socket->write("HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nDate: " + httpDate() +
                    "\r\nTransfer-Encoding: chunked\r\n\r\n");
}

void HttpConnection::writeChunk(const QByteArray& data)
{
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    m_socket->flush();
}

void HttpConnection::endChunked()
{
    updateRecord([](RecordedRequest& r) { r.finished = true; });
    m_socket->write("0\r\n\r\n");
    m_socket->flush();
    m_busy = false;
    finishResponse(!m_head.keepAlive());
    resumeReading();
}

void HttpConnection::cut()
{
    m_socket->flush();
    m_socket->disconnectFromHost();
    m_closing = true;
}

} // namespace deepext::fake
