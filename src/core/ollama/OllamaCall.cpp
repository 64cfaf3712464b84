#include "deepext/ollama/OllamaCall.h"

#include "ReplyErrors.h"
#include "deepext/base/Logging.h"

#include <QNetworkReply>
#include <QTimer>

namespace deepext::ollama {
namespace {

// The official client reads NDJSON lines with an 8 MB buffer; a longer line is not Ollama talking.
constexpr qsizetype MaxLineBytes = 8 * 1024 * 1024;
// Answers of the small endpoints (tags, show) stay far below this.
constexpr qsizetype MaxAnswerBytes = 64 * 1024 * 1024;

QString seconds(std::chrono::milliseconds ms)
{
    const double s = static_cast<double>(ms.count()) / 1000.0;
    return QString::number(s, 'g', 3) + QStringLiteral(" s");
}

} // namespace

OllamaCall::OllamaCall(Kind kind, QString method, QString path, QString serverDisplay, Timeouts timeouts,
                       QObject* parent)
    : QObject(parent)
    , m_kind(kind)
    , m_method(std::move(method))
    , m_path(std::move(path))
    , m_server(std::move(serverDisplay))
    , m_timeouts(timeouts)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &OllamaCall::onTimeout);
}

OllamaCall::~OllamaCall()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
}

void OllamaCall::start(QNetworkReply* reply)
{
    m_reply = reply;
    connect(reply, &QNetworkReply::uploadProgress, this, &OllamaCall::onUploadProgress);
    connect(reply, &QNetworkReply::readyRead, this, &OllamaCall::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &OllamaCall::onFinished);
    connect(reply, &QNetworkReply::requestSent, this, &OllamaCall::onRequestSent);
    connect(reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) { m_sslErrors = errors; });
    // An upload is judged by its progress alone: Qt reports progress in bursts, so a short first deadline would cut
    // uploads that are merely slow to show it. (The version check before any upload proves the server reachable.)
    armTimer(m_kind == Kind::Upload ? m_timeouts.uploadStall : m_timeouts.request);
    logging::net()->debug("{} {}{}", m_method.toStdString(), m_server.toStdString(), m_path.toStdString());
}

void OllamaCall::failEarly(OllamaResult::ErrorKind kind, const QString& message)
{
    QMetaObject::invokeMethod(
        this, [this, kind, message] { completeFailure(kind, message); }, Qt::QueuedConnection);
}

void OllamaCall::cancel()
{
    if (m_finished) {
        return;
    }
    OllamaResult result = m_result;
    result.status = OllamaResult::Status::Cancelled;
    result.errorKind = OllamaResult::ErrorKind::Cancelled;
    result.message = QStringLiteral("cancelled by the user");
    m_postProcess = nullptr;
    completeWith(std::move(result));
}

void OllamaCall::armTimer(std::chrono::milliseconds timeout)
{
    if (timeout.count() > 0) {
        m_timer->start(timeout);
    } else {
        m_timer->stop();
    }
}

void OllamaCall::onRequestSent()
{
    m_requestSent = true;
    switch (m_kind) {
    case Kind::Create:
        // Conversion can keep the stream silent for many minutes: no timeout once the request is out.
        m_timer->stop();
        break;
    case Kind::Upload:
        armTimer(m_timeouts.uploadStall);
        break;
    case Kind::Json:
    case Kind::Head:
        armTimer(m_timeouts.request);
        break;
    }
}

void OllamaCall::onUploadProgress(qint64 sent, qint64 total)
{
    if (m_finished || sent <= 0) {
        return;
    }
    m_result.bytesSent = sent;
    if (m_kind == Kind::Upload) {
        m_sawProgress = true;
        armTimer(m_timeouts.uploadStall);
        emit progress(sent, total);
    } else if (m_kind == Kind::Create) {
        m_timer->stop();
    }
}

bool OllamaCall::isHtml() const
{
    const QByteArray type =
        m_reply ? m_reply->header(QNetworkRequest::ContentTypeHeader).toByteArray().toLower() : QByteArray();
    return type.startsWith("text/html");
}

void OllamaCall::onReadyRead()
{
    if (m_finished || !m_reply) {
        return;
    }
    m_result.httpStatus = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_kind == Kind::Create) {
        m_timer->stop();
        m_requestSent = true;
        if (!m_checkedHeaders) {
            m_checkedHeaders = true;
            if (m_result.httpStatus < 400 && isHtml()) {
                completeFailure(OllamaResult::ErrorKind::NotOllama,
                                QStringLiteral("The server at %1 does not look like Ollama: %2 answered with an HTML "
                                               "page. Check the server URL (a proxy or captive portal may be in the "
                                               "way).")
                                    .arg(m_server, description()));
                return;
            }
        }
        m_buffer += m_reply->readAll();
        if (m_result.httpStatus < 400) {
            processCreateLines(false);
        } else if (m_buffer.size() > MaxLineBytes) {
            m_buffer.truncate(MaxLineBytes);
        }
        return;
    }
    if (m_kind == Kind::Upload) {
        armTimer(m_timeouts.uploadStall);
    } else {
        armTimer(m_timeouts.request);
    }
    m_buffer += m_reply->readAll();
    if (m_buffer.size() > MaxAnswerBytes) {
        completeFailure(OllamaResult::ErrorKind::NotOllama,
                        QStringLiteral("The server at %1 does not look like Ollama: its answer to %2 is larger than "
                                       "%3 MB.")
                            .arg(m_server, description())
                            .arg(MaxAnswerBytes / (1024 * 1024)));
    }
}

void OllamaCall::processCreateLines(bool atEnd)
{
    while (!m_finished) {
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline < 0) {
            if (m_buffer.size() > MaxLineBytes) {
                completeFailure(OllamaResult::ErrorKind::NotOllama,
                                QStringLiteral("The server at %1 does not look like Ollama: %2 sent a line longer "
                                               "than 8 MB.")
                                    .arg(m_server, description()));
                return;
            }
            if (atEnd && !m_buffer.trimmed().isEmpty()) {
                const QByteArray last = m_buffer;
                m_buffer.clear();
                handleCreateLine(last);
            }
            return;
        }
        const QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (!handleCreateLine(line)) {
            return;
        }
    }
}

bool OllamaCall::handleCreateLine(const QByteArray& raw)
{
    const QByteArray line = raw.trimmed();
    if (line.isEmpty()) {
        return true;
    }
    const auto json = nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        if (m_lines == 0 && !line.startsWith('{')) {
            completeFailure(OllamaResult::ErrorKind::NotOllama,
                            QStringLiteral("The server at %1 does not look like Ollama: %2 answered \"%3\" instead "
                                           "of JSON lines.")
                                .arg(m_server, description(), QString::fromUtf8(line.left(200))));
        } else {
            // A line cut short by a dropped connection.
            completeFailure(OllamaResult::ErrorKind::Truncated,
                            QStringLiteral("The create stream from Ollama at %1 broke off in the middle of a line; "
                                           "the model may not have been created.")
                                .arg(m_server));
        }
        return false;
    }
    m_result.json = json;
    ++m_lines;
    if (json.contains("error")) {
        const auto& error = json["error"];
        const QString text = QString::fromStdString(error.is_string() ? error.get<std::string>() : error.dump());
        const bool http = m_result.httpStatus >= 400;
        completeFailure(http ? OllamaResult::ErrorKind::Http : OllamaResult::ErrorKind::Stream,
                        QStringLiteral("Ollama at %1 could not create the model: %2").arg(m_server, text), text);
        return false;
    }
    const std::string status = OllamaCall::stringField(json, "status");
    if (status == "success") {
        m_sawSuccess = true;
    }
    emit statusLine(QString::fromStdString(status));
    if (m_finished) {
        return false;
    }
    const qint64 total = OllamaCall::progressNumber(json, "total");
    if (total > 0) {
        emit progress(OllamaCall::progressNumber(json, "completed"), total);
    }
    return !m_finished;
}

std::string OllamaCall::stringField(const nlohmann::json& line, const char* key)
{
    if (!line.is_object()) {
        return {};
    }
    const auto it = line.find(key);
    return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> OllamaCall::modelNames(const nlohmann::json& tags)
{
    std::vector<std::string> names;
    const auto models = tags.is_object() ? tags.find("models") : tags.end();
    if (models == tags.end() || !models->is_array()) {
        return names;
    }
    for (const auto& model : *models) {
        std::string name = stringField(model, "name");
        if (name.empty()) {
            name = stringField(model, "model");
        }
        if (!name.empty()) {
            names.push_back(std::move(name));
        }
    }
    return names;
}

qint64 OllamaCall::progressNumber(const nlohmann::json& line, const char* key)
{
    // A server's numbers are untrusted: a huge or fractional value must saturate, not overflow (found by fuzzing).
    const auto it = line.find(key);
    if (it == line.end() || !it->is_number()) {
        return 0;
    }
    const double value = it->get<double>();
    if (!(value > 0)) {
        return 0;
    }
    constexpr double Max = 9.0e18;
    return value >= Max ? static_cast<qint64>(Max) : static_cast<qint64>(value);
}

void OllamaCall::onTimeout()
{
    if (m_finished) {
        return;
    }
    m_timedOut = true;
    QString message;
    if (m_kind == Kind::Upload) {
        message = QStringLiteral("Uploading to Ollama at %1 stalled: no progress for %2 (%3).")
                      .arg(m_server, seconds(m_timeouts.uploadStall), description());
    } else if (!m_requestSent && !m_sawProgress) {
        message = QStringLiteral("Could not reach Ollama at %1 within %2 (%3). Is Ollama running there, and is the "
                                 "address reachable from this machine?")
                      .arg(m_server, seconds(m_timeouts.request), description());
    } else {
        message = QStringLiteral("Ollama at %1 did not answer %2 within %3.")
                      .arg(m_server, description(),
                           seconds(m_kind == Kind::Upload ? m_timeouts.uploadStall : m_timeouts.request));
    }
    completeFailure(OllamaResult::ErrorKind::Timeout, message);
}

OllamaResult::ErrorKind OllamaCall::classifyNetworkError(QString& message) const
{
    return ReplyErrors::classifyNetworkError(m_reply, m_sslErrors, m_server, description(),
                                             m_sawProgress || m_requestSent, message);
}

QString OllamaCall::httpErrorMessage(int status, const QString& text) const
{
    if (text.isEmpty()) {
        return QStringLiteral("Ollama at %1 answered HTTP %2 to %3.").arg(m_server).arg(status).arg(description());
    }
    return QStringLiteral("Ollama at %1 answered HTTP %2 to %3: %4").arg(m_server).arg(status).arg(description(), text);
}

void OllamaCall::onFinished()
{
    if (m_finished || !m_reply) {
        return;
    }
    m_timer->stop();
    const QVariant statusAttribute = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    m_result.httpStatus = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    if (m_reply->bytesAvailable() > 0) {
        onReadyRead();
        if (m_finished) {
            return;
        }
    }
    // Transport failures (1-99) and proxy failures (101-199); higher codes only mirror an HTTP error status.
    const int error = m_reply->error();
    const bool transportError = (error >= 1 && error <= 99) || (error >= 101 && error <= 199);
    if (m_result.httpStatus == 0 || (transportError && m_kind != Kind::Create)) {
        QString message;
        const auto kind = classifyNetworkError(message);
        completeFailure(kind, message);
        return;
    }
    if (transportError && m_result.httpStatus < 400) {
        // The create stream broke: lines that arrived still count, an error line in particular.
        processCreateLines(true);
        if (m_finished) {
            return;
        }
        if (!m_sawSuccess) {
            completeFailure(OllamaResult::ErrorKind::ConnectionDropped,
                            QStringLiteral("The connection to Ollama at %1 was lost while it was creating the model "
                                           "(%2); the model may not have been created.")
                                .arg(m_server, m_reply ? m_reply->errorString() : QString()));
            return;
        }
        m_result.status = OllamaResult::Status::Ok;
        completeWith(m_result);
        return;
    }
    if (m_result.httpStatus == 403 && m_buffer.trimmed().isEmpty()) {
        completeFailure(
            OllamaResult::ErrorKind::HostCheck,
            QStringLiteral("Ollama at %1 refused %2 with 403 Forbidden. An Ollama that listens on a loopback "
                           "address only accepts requests whose Host header is local (localhost, an IP address, "
                           "or a name ending in .localhost, .local or .internal). Connect to it by localhost or "
                           "its IP address, or make it listen on a non-loopback address with OLLAMA_HOST=0.0.0.0 "
                           "(and, when a browser or proxy adds an Origin header, allow it with OLLAMA_ORIGINS).")
                .arg(m_server, description()));
        return;
    }
    switch (m_kind) {
    case Kind::Create:
        finishCreate();
        break;
    case Kind::Head:
        finishHead();
        break;
    case Kind::Json:
    case Kind::Upload:
        finishJson();
        break;
    }
}

void OllamaCall::finishHead()
{
    const int status = m_result.httpStatus;
    if ((status == 200 || status == 404) && !(status == 200 && isHtml())) {
        m_result.status = OllamaResult::Status::Ok;
        m_result.json = {{"exists", status == 200}};
        completeWith(m_result);
        return;
    }
    if (status == 200) {
        completeFailure(OllamaResult::ErrorKind::NotOllama,
                        QStringLiteral("The server at %1 does not look like Ollama: %2 answered with an HTML page.")
                            .arg(m_server, description()));
        return;
    }
    completeFailure(OllamaResult::ErrorKind::Http, httpErrorMessage(status, {}));
}

void OllamaCall::finishJson()
{
    const int status = m_result.httpStatus;
    if (status >= 200 && status < 300) {
        if (isHtml()) {
            completeFailure(OllamaResult::ErrorKind::NotOllama,
                            QStringLiteral("The server at %1 does not look like Ollama: %2 answered with an HTML "
                                           "page. Check the server URL (a proxy or captive portal may be in the way).")
                                .arg(m_server, description()));
            return;
        }
        m_result.status = OllamaResult::Status::Ok;
        if (!m_buffer.trimmed().isEmpty()) {
            m_result.json =
                nlohmann::json::parse(m_buffer.constData(), m_buffer.constData() + m_buffer.size(), nullptr, false);
        }
        completeWith(m_result);
        return;
    }
    const QString text = ReplyErrors::serverText(m_buffer);
    completeFailure(OllamaResult::ErrorKind::Http, httpErrorMessage(status, text), text);
}

void OllamaCall::finishCreate()
{
    const int status = m_result.httpStatus;
    if (status >= 400) {
        const QString text = ReplyErrors::serverText(m_buffer);
        completeFailure(OllamaResult::ErrorKind::Http,
                        text.isEmpty()
                            ? httpErrorMessage(status, text)
                            : QStringLiteral("Ollama at %1 could not create the model: %2").arg(m_server, text),
                        text);
        return;
    }
    processCreateLines(true);
    if (m_finished) {
        return;
    }
    if (!m_sawSuccess) {
        completeFailure(OllamaResult::ErrorKind::Truncated,
                        QStringLiteral("The create stream from Ollama at %1 ended before Ollama reported success; "
                                       "the model may not have been created.")
                            .arg(m_server));
        return;
    }
    m_result.status = OllamaResult::Status::Ok;
    completeWith(m_result);
}

void OllamaCall::completeFailure(OllamaResult::ErrorKind kind, const QString& message, const QString& serverMessage)
{
    OllamaResult result = m_result;
    result.status = OllamaResult::Status::Failed;
    result.errorKind = kind;
    result.message = message;
    result.serverMessage = serverMessage;
    completeWith(std::move(result));
}

void OllamaCall::completeWith(OllamaResult result)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_timer->stop();
    ReplyErrors::abandon(m_reply, this);
    m_buffer.clear();
    if (m_postProcess && result.status != OllamaResult::Status::Cancelled) {
        m_postProcess(result);
    }
    m_result = std::move(result);
    if (!m_result.ok()) {
        logging::net()->info("{} {}{} failed: {}", m_method.toStdString(), m_server.toStdString(), m_path.toStdString(),
                             m_result.message.toStdString());
    }
    emit finished(m_result);
}

} // namespace deepext::ollama
