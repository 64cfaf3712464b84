#include "HttpConnection.h"

#include "GoJsonDecoder.h"
#include "ModelName.h"
#include "deepext/base/Sha256.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHostInfo>
#include <QLocale>
#include <QNetworkInterface>
#include <QTimer>
#include <QUrl>

#include <sys/socket.h>

namespace deepext::fake {

using nlohmann::json;

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

// Go's json.Marshal escapes <, > and & (and U+2028/9) inside strings; they can only occur inside strings.
QByteArray goJson(const json& value)
{
    QByteArray out = QByteArray::fromStdString(value.dump());
    out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    out.replace("\xe2\x80\xa8", "\\u2028").replace("\xe2\x80\xa9", "\\u2029");
    return out;
}

// api.ProgressResponse in field order (status, digest, total, completed), other objects as they are.
QByteArray progressJson(const json& line)
{
    if (!line.contains("status") || line.contains("error")) {
        return goJson(line);
    }
    QByteArray out = "{\"status\":" + goJson(line["status"]);
    for (const char* key : {"digest", "total", "completed"}) {
        if (line.contains(key)) {
            out += ",\"" + QByteArray(key) + "\":" + goJson(line[key]);
        }
    }
    return out + '}';
}

QByteArray errorJson(const QString& message)
{
    return goJson(json{{"error", message.toStdString()}});
}

// strconv.Quote for the strings that show up in error messages.
QString goQuote(const QString& text)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\') {
            out += u'\\';
            out += c;
        } else if (c == u'\n') {
            out += QStringLiteral("\\n");
        } else if (c == u'\t') {
            out += QStringLiteral("\\t");
        } else if (c == u'\r') {
            out += QStringLiteral("\\r");
        } else if (c.unicode() < 0x20) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out + u'"';
}

const QByteArray kJsonType = "application/json; charset=utf-8";
const QByteArray kTextType = "text/plain; charset=utf-8";

QString str(const json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

enum class Route
{
    None,
    Root,
    Version,
    Tags,
    Ps,
    Create,
    Show,
    Delete,
    Copy,
    Blob,
};

struct RouteMatch
{
    Route route = Route::None;
    bool methodAllowed = false;
    QString digest;
};

RouteMatch matchRoute(const QString& path, const QByteArray& method)
{
    RouteMatch m;
    const auto allow = [&](Route route, std::initializer_list<const char*> methods) {
        m.route = route;
        for (const char* allowed : methods) {
            m.methodAllowed = m.methodAllowed || method == allowed;
        }
    };
    if (path == QLatin1String("/")) {
        allow(Route::Root, {"GET", "HEAD"});
    } else if (path == QLatin1String("/api/version")) {
        allow(Route::Version, {"GET", "HEAD"});
    } else if (path == QLatin1String("/api/tags")) {
        allow(Route::Tags, {"GET", "HEAD"});
    } else if (path == QLatin1String("/api/ps")) {
        allow(Route::Ps, {"GET"});
    } else if (path == QLatin1String("/api/create")) {
        allow(Route::Create, {"POST"});
    } else if (path == QLatin1String("/api/show")) {
        allow(Route::Show, {"POST"});
    } else if (path == QLatin1String("/api/delete")) {
        allow(Route::Delete, {"DELETE"});
    } else if (path == QLatin1String("/api/copy")) {
        allow(Route::Copy, {"POST"});
    } else if (path.startsWith(QLatin1String("/api/blobs/")) && path.size() > 11 && !path.mid(11).contains(u'/')) {
        allow(Route::Blob, {"HEAD", "POST"});
        m.digest = path.mid(11);
    }
    return m;
}

bool isPrivateOrLocal(const QHostAddress& address)
{
    if (address.isLoopback() || address.isNull()) {
        return address.isLoopback();
    }
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6 ||
        address.toString() == QLatin1String("0.0.0.0") || address.toString() == QLatin1String("::")) {
        return true;
    }
    static const QList<QPair<QHostAddress, int>> privateNets = {
        QHostAddress::parseSubnet(QStringLiteral("10.0.0.0/8")),
        QHostAddress::parseSubnet(QStringLiteral("172.16.0.0/12")),
        QHostAddress::parseSubnet(QStringLiteral("192.168.0.0/16")),
        QHostAddress::parseSubnet(QStringLiteral("fc00::/7")),
    };
    for (const auto& net : privateNets) {
        if (address.isInSubnet(net)) {
            return true;
        }
    }
    return QNetworkInterface::allAddresses().contains(address);
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

HttpConnection::~HttpConnection()
{
    discardUpload();
}

void HttpConnection::updateRecord(const std::function<void(RecordedRequest&)>& change)
{
    if (m_record >= 0) {
        m_state.updateRecord(m_record, change);
    }
}

void HttpConnection::discardUpload()
{
    if (m_upload) {
        m_upload->close();
        m_upload->remove();
        m_upload.reset();
    }
    m_hash.reset();
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
    discardUpload();
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
    discardUpload();
    if (m_held || m_stalled) {
        m_held = false;
        m_stalled = false;
        emit stateChanged();
    }
    // Emitted once: the worker forgets the connection and deletes it later.
    if (!property("closedEmitted").toBool()) {
        setProperty("closedEmitted", true);
        emit closed(this);
    }
}

void HttpConnection::releaseHold()
{
    if (!m_held) {
        return;
    }
    m_held = false;
    emit stateChanged();
    QTimer::singleShot(0, this, &HttpConnection::advanceCreate);
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
        if (m_parser.inBody() && m_mode == BodyMode::Upload) {
            const qint64 done = m_parser.bodyBytes();
            if (m_dropAfter >= 0) {
                if (done >= m_dropAfter) {
                    updateRecord([done](RecordedRequest& r) { r.bodySize = done; });
                    abortNow();
                    return;
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
                    return; // stop reading: the socket buffer fills and the client's writes block
                }
                maxBody = std::min(maxBody, static_cast<std::size_t>(m_stallAfter - done));
            }
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
            Response response{m_parser.errorStatus(), "text/plain; charset=utf-8",
                              QByteArray::number(m_parser.errorStatus()) + ' ' + m_parser.errorText()};
            send(response, true);
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
    m_uploadError.clear();

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
    if (faults.hostCheck && !hostAllowed()) {
        sendEarly({403, {}, {}});
        return;
    }
    const RouteMatch match = matchRoute(record.path, m_head.method);
    if (match.route == Route::None) {
        sendEarly({404, "text/plain", "404 page not found"});
        return;
    }
    if (!match.methodAllowed) {
        sendEarly({405, "text/plain", "405 method not allowed"});
        return;
    }
    if (match.route == Route::Blob) {
        if (!ModelStore::isValidDigest(match.digest)) {
            sendEarly({400, kJsonType, errorJson(QStringLiteral("invalid digest format"))});
            return;
        }
        ModelStore& store = m_state.store();
        if (m_head.method == "HEAD") {
            sendEarly(store.hasBlob(match.digest)
                          ? Response{200, {}, {}}
                          : Response{404, kJsonType,
                                     errorJson(QStringLiteral("blob %1 not found").arg(goQuote(match.digest)))});
            return;
        }
        if (store.hasBlob(match.digest)) {
            // §3.2 step 3: answer at once without reading the upload.
            sendEarly({200, {}, {}});
            return;
        }
        m_uploadDigest = match.digest;
        m_upload = std::make_unique<QFile>(store.newUploadPath());
        if (!m_upload->open(QIODevice::WriteOnly)) {
            m_uploadError = m_upload->errorString();
            m_upload.reset();
        }
        m_hash = std::make_unique<Sha256>();
        m_mode = BodyMode::Upload;
        const QPair<qint64, qint64> uploadFaults = m_state.takeUploadFaults();
        m_dropAfter = uploadFaults.first;
        m_stallAfter = uploadFaults.second;
    } else if (match.route == Route::Create || match.route == Route::Show || match.route == Route::Delete ||
               match.route == Route::Copy) {
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
        m_hash->update(data.data(), static_cast<std::size_t>(data.size()));
        if (m_upload && m_upload->write(data.data(), data.size()) != data.size() && m_uploadError.isEmpty()) {
            m_uploadError = m_upload->errorString();
        }
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
                r.json = json::parse(body.toStdString());
            } catch (const json::exception&) {
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
        send({200, "text/html; charset=utf-8",
              "<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Network login required</h1>"
              "</body></html>\n"});
        return;
    }
    if (m_mode == BodyMode::Upload) {
        send(finishUpload());
        return;
    }
    if (m_bodyTooLarge) {
        send({413, kJsonType, errorJson(QStringLiteral("http: request body too large"))}, true);
        return;
    }
    const RouteMatch match = matchRoute(QUrl::fromPercentEncoding(m_head.path()), m_head.method);
    if (match.route == Route::Create) {
        m_lineDelayMs = faults.lineDelayMs;
        CreatePlanner planner(m_state, m_state.version(), faults);
        CreatePlan plan = planner.plan(m_body);
        if (plan.preStatus != 0) {
            send({plan.preStatus, kJsonType, errorJson(plan.preError)});
            return;
        }
        startCreate(std::move(plan));
        return;
    }
    send(route());
}

HttpConnection::Response HttpConnection::finishUpload()
{
    const QString hex = QString::fromStdString(m_hash->finalHex());
    m_hash.reset();
    if (!m_upload || !m_uploadError.isEmpty() || !m_upload->flush()) {
        const QString message = m_uploadError.isEmpty() && m_upload ? m_upload->errorString() : m_uploadError;
        discardUpload();
        return {500, kJsonType, errorJson(message)};
    }
    m_upload->close();
    const QString tempPath = m_upload->fileName();
    m_upload.reset();
    QString error;
    if (!m_state.store().commitUpload(tempPath, hex, &error)) {
        return {500, kJsonType, errorJson(error)};
    }
    const QString computed = QStringLiteral("sha256:") + hex;
    if (computed != m_uploadDigest) {
        return {400, kJsonType,
                errorJson(QStringLiteral("digest mismatch, expected %1, got %2")
                              .arg(goQuote(m_uploadDigest), goQuote(computed)))};
    }
    return {201, {}, {}};
}

bool HttpConnection::hostAllowed() const
{
    const QString hostHeader = QString::fromUtf8(m_head.header("Host")).trimmed();
    // net.SplitHostPort; on failure the whole value is the host.
    QString host = hostHeader;
    if (hostHeader.startsWith(u'[')) {
        const qsizetype end = hostHeader.indexOf(u']');
        if (end > 0 && hostHeader.mid(end + 1).startsWith(u':')) {
            host = hostHeader.mid(1, end - 1);
        }
    } else if (hostHeader.count(u':') == 1) {
        host = hostHeader.section(u':', 0, 0);
    }
    QHostAddress address;
    if (!host.isEmpty() && address.setAddress(host)) {
        if (isPrivateOrLocal(address)) {
            return true;
        }
    }
    const QString lower = host.toLower();
    if (lower.isEmpty() || lower == QLatin1String("localhost") || lower == QHostInfo::localHostName().toLower()) {
        return true;
    }
    for (const char* tld : {".localhost", ".local", ".internal"}) {
        if (lower.endsWith(QLatin1String(tld))) {
            return true;
        }
    }
    return false;
}

HttpConnection::Response HttpConnection::route()
{
    const RouteMatch match = matchRoute(QUrl::fromPercentEncoding(m_head.path()), m_head.method);
    switch (match.route) {
    case Route::Root:
        return {200, kTextType, "Ollama is running"};
    case Route::Version:
        return {200, kJsonType, goJson(json{{"version", m_state.version().text().toStdString()}})};
    case Route::Tags:
        return handleTags();
    case Route::Ps:
        return {200, kJsonType, R"({"models":[]})"};
    case Route::Show:
        return handleShow();
    case Route::Delete:
        return handleDelete();
    case Route::Copy:
        return handleCopy();
    case Route::Create:
    case Route::Blob:
    case Route::None:
        break;
    }
    return {404, "text/plain", "404 page not found"};
}

HttpConnection::Response HttpConnection::handleTags()
{
    json models = json::array();
    for (json entry : m_state.store().listModels()) {
        entry.erase("record");
        models.push_back(std::move(entry));
    }
    return {200, kJsonType, goJson(json{{"models", models}})};
}

HttpConnection::Response HttpConnection::handleShow()
{
    using T = GoJsonDecoder::Type;
    const GoJsonDecoder::Result decoded = GoJsonDecoder::decode(m_body, "ShowRequest",
                                                                {{"model", T::String},
                                                                 {"name", T::String},
                                                                 {"system", T::String},
                                                                 {"template", T::String},
                                                                 {"verbose", T::Bool},
                                                                 {"options", T::AnyMap}});
    if (decoded.empty) {
        return {400, kJsonType, errorJson(QStringLiteral("missing request body"))};
    }
    if (!decoded.error.isEmpty()) {
        return {400, kJsonType, errorJson(decoded.error)};
    }
    const QString raw =
        !str(decoded.value, "model").isEmpty() ? str(decoded.value, "model") : str(decoded.value, "name");
    if (raw.isEmpty()) {
        return {400, kJsonType, errorJson(QStringLiteral("model is required"))};
    }
    const ModelName name = ModelName::parse(raw);
    if (!name.isValid()) {
        return {400, kJsonType, errorJson(QStringLiteral("invalid model name"))};
    }
    const std::optional<json> record = m_state.store().record(name);
    if (!record) {
        return {404, kJsonType, errorJson(QStringLiteral("model '%1' not found").arg(name.displayShortest()))};
    }
    const QString templateText =
        !str(decoded.value, "template").isEmpty() ? str(decoded.value, "template") : str(*record, "template");
    const QString system =
        !str(decoded.value, "system").isEmpty() ? str(decoded.value, "system") : str(*record, "system");
    QStringList parameterLines;
    QString modelfileParams;
    const json parameters = record->value("parameters", json::object());
    for (const auto& [key, value] : parameters.items()) {
        const json values = value.is_array() ? value : json::array({value});
        for (const auto& item : values) {
            const QString text = item.is_string() ? goQuote(QString::fromStdString(item.get<std::string>()))
                                                  : QString::fromStdString(item.dump());
            parameterLines.append(QStringLiteral("%1 %2").arg(QString::fromStdString(key), -30).arg(text));
            modelfileParams += QStringLiteral("PARAMETER %1 %2\n").arg(QString::fromStdString(key), text);
        }
    }
    QStringList licenses;
    for (const auto& item : record->value("license", json::array())) {
        licenses.append(QString::fromStdString(item.get<std::string>()));
    }
    QString modelPath;
    for (const auto& layer : record->value("layers", json::array())) {
        if (layer.value("mediaType", std::string()) == "application/vnd.ollama.image.model") {
            modelPath = m_state.store().blobPath(QString::fromStdString(layer.value("digest", std::string())));
        }
    }
    QString modelfile = QStringLiteral("# Modelfile generated by \"ollama show\"\n# To build a new Modelfile based on "
                                       "this, replace FROM with:\n# FROM %1\n\nFROM %2\n")
                            .arg(name.displayShortest(), modelPath);
    if (!templateText.isEmpty()) {
        modelfile += QStringLiteral("TEMPLATE \"\"\"%1\"\"\"\n").arg(templateText);
    }
    if (!system.isEmpty()) {
        modelfile += QStringLiteral("SYSTEM \"\"\"%1\"\"\"\n").arg(system);
    }
    modelfile += modelfileParams;
    for (const QString& license : licenses) {
        modelfile += QStringLiteral("LICENSE \"\"\"%1\"\"\"\n").arg(license);
    }
    const json details = record->value("details", json::object());
    json response = {
        {"modelfile", modelfile.toStdString()},
        {"parameters", parameterLines.join(u'\n').toStdString()},
        {"template", templateText.toStdString()},
        {"system", system.toStdString()},
        {"license", licenses.join(u'\n').toStdString()},
        {"details", details},
        {"messages", record->value("messages", json::array())},
        {"model_info", json{{"general.architecture", details.value("family", std::string())},
                            {"general.parameter_count", record->value("parameter_count", qint64{0})}}},
        {"tensors", json::array()},
        {"capabilities", record->value("capabilities", json::array({"completion"}))},
        {"modified_at", record->value("modified_at", std::string())},
    };
    return {200, kJsonType, goJson(response)};
}

HttpConnection::Response HttpConnection::handleDelete()
{
    using T = GoJsonDecoder::Type;
    const GoJsonDecoder::Result decoded =
        GoJsonDecoder::decode(m_body, "DeleteRequest", {{"model", T::String}, {"name", T::String}});
    if (decoded.empty) {
        return {400, kJsonType, errorJson(QStringLiteral("missing request body"))};
    }
    if (!decoded.error.isEmpty()) {
        return {400, kJsonType, errorJson(decoded.error)};
    }
    const QString raw =
        !str(decoded.value, "model").isEmpty() ? str(decoded.value, "model") : str(decoded.value, "name");
    if (raw.isEmpty()) {
        return {400, kJsonType, errorJson(QStringLiteral("model is required"))};
    }
    const ModelName name = ModelName::parse(raw);
    if (!name.isValid()) {
        return {400, kJsonType, errorJson(QStringLiteral("name %1 is invalid").arg(goQuote(raw)))};
    }
    ModelStore& store = m_state.store();
    const std::optional<json> record = store.record(name);
    if (!record) {
        return {404, kJsonType, errorJson(QStringLiteral("model '%1' not found").arg(raw))};
    }
    store.removeRecord(name);
    QStringList layers;
    for (const auto& layer : record->value("layers", json::array())) {
        layers.append(QString::fromStdString(layer.value("digest", std::string())));
    }
    store.removeUnusedLayers(layers);
    return {200, {}, {}};
}

HttpConnection::Response HttpConnection::handleCopy()
{
    using T = GoJsonDecoder::Type;
    const GoJsonDecoder::Result decoded =
        GoJsonDecoder::decode(m_body, "CopyRequest", {{"source", T::String}, {"destination", T::String}});
    if (decoded.empty) {
        return {400, kJsonType, errorJson(QStringLiteral("missing request body"))};
    }
    if (!decoded.error.isEmpty()) {
        return {400, kJsonType, errorJson(decoded.error)};
    }
    const QString rawSource = str(decoded.value, "source");
    const QString rawDestination = str(decoded.value, "destination");
    const ModelName source = ModelName::parse(rawSource);
    const ModelName destination = ModelName::parse(rawDestination);
    if (!source.isValid()) {
        return {400, kJsonType, errorJson(QStringLiteral("source %1 is invalid").arg(goQuote(rawSource)))};
    }
    if (!destination.isValid()) {
        return {400, kJsonType, errorJson(QStringLiteral("destination %1 is invalid").arg(goQuote(rawDestination)))};
    }
    std::optional<json> record = m_state.store().record(source);
    if (!record) {
        return {404, kJsonType, errorJson(QStringLiteral("model %1 not found").arg(goQuote(rawSource)))};
    }
    const QDateTime now = QDateTime::currentDateTime();
    (*record)["modified_at"] = now.toOffsetFromUtc(now.offsetFromUtc()).toString(Qt::ISODateWithMs).toStdString();
    (*record)["modified_ms"] = now.toMSecsSinceEpoch();
    m_state.store().writeRecord(destination, *record);
    return {200, {}, {}};
}

void HttpConnection::send(const Response& response, bool close)
{
    close = close || !m_head.keepAlive();
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason(response.status) + "\r\n";
    if (!response.contentType.isEmpty()) {
        out += "Content-Type: " + response.contentType + "\r\n";
    }
    out +=
        "Date: " +
        QLocale::c().toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss")).toLatin1() +
        " GMT\r\n";
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

void HttpConnection::sendEarly(const Response& response)
{
    if (!m_parser.inBody()) {
        send(response); // no body follows: an ordinary response
        return;
    }
    const qint64 rest = m_head.chunked() ? -1 : std::max<qint64>(0, m_head.contentLength()) - m_parser.bodyBytes();
    const bool smallRest = rest >= 0 && rest <= kPostHandlerDrain;
    m_responded = true;
    m_mode = BodyMode::Discard;
    send(response, !smallRest);
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

void HttpConnection::startCreate(CreatePlan plan)
{
    m_plan = std::move(plan);
    m_step = 0;
    m_streamStarted = false;
    m_lastLine = json();
    m_busy = true;
    advanceCreate();
}

void HttpConnection::writeChunk(const QByteArray& data)
{
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
    m_socket->flush();
}

void HttpConnection::advanceCreate()
{
    if (m_closing || m_held || !m_busy) {
        return;
    }
    if (m_step >= m_plan.steps.size()) {
        if (m_plan.stream) {
            updateRecord([](RecordedRequest& r) { r.finished = true; });
            m_socket->write("0\r\n\r\n");
            m_socket->flush();
            endCreate(!m_head.keepAlive());
        } else {
            m_busy = false;
            send({200, kJsonType, progressJson(m_lastLine.is_null() ? json{{"status", "success"}} : m_lastLine)});
            if (!m_closing) {
                QTimer::singleShot(0, this, &HttpConnection::pump);
            }
        }
        return;
    }
    const OllamaVersion version = m_state.version();
    const bool inlineStatus = version.inlineErrorStatus() || m_state.faults().inlineStreamErrors;
    CreateStep& step = m_plan.steps[m_step++];
    const auto startStream = [&]() {
        if (!m_streamStarted) {
            m_streamStarted = true;
            updateRecord([](RecordedRequest& r) { r.status = 200; });
            m_socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nDate: " +
                            QLocale::c()
                                .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"))
                                .toLatin1() +
                            " GMT\r\nTransfer-Encoding: chunked\r\n\r\n");
        }
    };
    switch (step.kind) {
    case CreateStep::Kind::Line:
        m_lastLine = step.line;
        if (m_plan.stream) {
            startStream();
            writeChunk(progressJson(step.line) + '\n');
        }
        break;
    case CreateStep::Kind::Commit:
        step.commit();
        break;
    case CreateStep::Kind::Hold:
        if (!m_state.takeReleaseToken()) {
            m_held = true;
            emit stateChanged();
            return;
        }
        break;
    case CreateStep::Kind::Truncate:
        if (m_plan.stream && m_state.faults().truncateCleanly) {
            startStream();
            updateRecord([](RecordedRequest& r) { r.finished = true; });
            m_socket->write("0\r\n\r\n");
            m_socket->flush();
            endCreate(!m_head.keepAlive());
            return;
        }
        m_socket->flush();
        m_socket->disconnectFromHost(); // mid-stream: no terminating chunk, no success
        m_closing = true;
        return;
    case CreateStep::Kind::Error: {
        const bool first = !m_streamStarted && m_lastLine.is_null();
        const int status = step.status > 0 ? step.status : 500;
        if (!m_plan.stream) {
            m_busy = false;
            send({status, kJsonType, errorJson(step.error)});
            if (!m_closing) {
                QTimer::singleShot(0, this, &HttpConnection::pump);
            }
            return;
        }
        if (first && !inlineStatus) {
            // §1.3 at v0.12.6+: nothing streamed yet, so the error gets a real status and a plain JSON body.
            m_busy = false;
            send({status, "application/json", errorJson(step.error)});
            if (!m_closing) {
                QTimer::singleShot(0, this, &HttpConnection::pump);
            }
            return;
        }
        startStream();
        json line = {{"error", step.error.toStdString()}};
        if (inlineStatus && !version.legacyCreate() && step.status >= 400 && step.status < 500) {
            line["status"] = step.status;
        }
        writeChunk(goJson(line) + '\n');
        updateRecord([](RecordedRequest& r) { r.finished = true; });
        m_socket->write("0\r\n\r\n");
        m_socket->flush();
        endCreate(!m_head.keepAlive());
        return;
    }
    }
    QTimer::singleShot(m_lineDelayMs, this, &HttpConnection::advanceCreate);
}

void HttpConnection::endCreate(bool close)
{
    m_busy = false;
    finishResponse(close);
    if (!m_closing) {
        QTimer::singleShot(0, this, &HttpConnection::pump);
    }
}

} // namespace deepext::fake
