#include "deepext/ollama/ChatCall.h"

#include "ReplyErrors.h"
#include "deepext/base/Logging.h"
#include "deepext/ollama/ChatLineParser.h"

#include <QNetworkReply>
#include <QTimer>

namespace deepext::ollama {
namespace {

// As OllamaCall: the official client's line buffer is 8 MB.
constexpr qsizetype MaxLineBytes = 8 * 1024 * 1024;

QString seconds(std::chrono::milliseconds ms)
{
    return QString::number(static_cast<double>(ms.count()) / 1000.0, 'g', 3) + QStringLiteral(" s");
}

} // namespace

ChatCall::ChatCall(ChatEndpoint endpoint, QString model, QString serverDisplay, Timeouts timeouts, QObject* parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_model(std::move(model))
    , m_server(std::move(serverDisplay))
    , m_timeouts(timeouts)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &ChatCall::onTimeout);
}

ChatCall::~ChatCall()
{
    if (m_network) {
        m_network->disconnect(this);
        m_network->abort();
        delete m_network;
    }
}

QString ChatCall::description() const
{
    return m_endpoint == ChatEndpoint::Chat ? QStringLiteral("POST /api/chat") : QStringLiteral("POST /api/generate");
}

void ChatCall::start(QNetworkReply* reply)
{
    m_network = reply;
    connect(reply, &QNetworkReply::readyRead, this, &ChatCall::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &ChatCall::onFinished);
    connect(reply, &QNetworkReply::requestSent, this, &ChatCall::onRequestSent);
    connect(reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) { m_sslErrors = errors; });
    m_timer->start(m_timeouts.connect);
    logging::net()->debug("{} {} model {}", description().toStdString(), m_server.toStdString(), m_model.toStdString());
}

void ChatCall::failEarly(OllamaResult::ErrorKind kind, const QString& message)
{
    QMetaObject::invokeMethod(
        this, [this, kind, message] { completeFailure(kind, message); }, Qt::QueuedConnection);
}

void ChatCall::cancel()
{
    if (m_finished) {
        return;
    }
    OllamaResult result = m_result;
    result.status = OllamaResult::Status::Cancelled;
    result.errorKind = OllamaResult::ErrorKind::Cancelled;
    result.message = QStringLiteral("stopped by the user");
    complete(std::move(result));
}

void ChatCall::setPhase(Phase phase)
{
    if (m_phase == phase) {
        return;
    }
    m_phase = phase;
    // Each phase has its own deadline, counted from its start.
    switch (phase) {
    case Phase::Connecting:
        m_timer->start(m_timeouts.connect);
        break;
    case Phase::WaitingForFirstPiece:
        m_timer->start(m_timeouts.firstPiece);
        break;
    case Phase::Streaming:
        m_timer->start(m_timeouts.reply);
        break;
    }
    emit phaseChanged(phase);
}

void ChatCall::onRequestSent()
{
    if (!m_finished && m_phase == Phase::Connecting) {
        setPhase(Phase::WaitingForFirstPiece);
    }
}

void ChatCall::onReadyRead()
{
    if (m_finished || !m_network) {
        return;
    }
    m_result.httpStatus = m_network->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    m_buffer += m_network->readAll();
    if (m_result.httpStatus >= 400) {
        m_buffer.truncate(MaxLineBytes); // an error body: read whole at the end
        return;
    }
    if (!m_sawLine &&
        m_network->header(QNetworkRequest::ContentTypeHeader).toByteArray().toLower().startsWith("text/html")) {
        completeFailure(OllamaResult::ErrorKind::NotOllama,
                        QStringLiteral("The server at %1 does not look like Ollama: %2 answered with an HTML page. "
                                       "Check the server URL (a proxy or captive portal may be in the way).")
                            .arg(m_server, description()));
        return;
    }
    processLines(false);
}

bool ChatCall::processLines(bool atEnd)
{
    while (!m_finished) {
        const qsizetype newline = m_buffer.indexOf('\n');
        if (newline < 0) {
            if (m_buffer.size() > MaxLineBytes) {
                completeFailure(OllamaResult::ErrorKind::NotOllama,
                                QStringLiteral("The server at %1 does not look like Ollama: %2 sent a line longer "
                                               "than 8 MB.")
                                    .arg(m_server, description()));
                return false;
            }
            if (atEnd && !m_buffer.trimmed().isEmpty()) {
                const QByteArray last = m_buffer;
                m_buffer.clear();
                return handleLine(last);
            }
            return true;
        }
        const QByteArray line = m_buffer.left(newline);
        m_buffer.remove(0, newline + 1);
        if (!handleLine(line)) {
            return false;
        }
    }
    return false;
}

bool ChatCall::handleLine(const QByteArray& raw)
{
    const ChatLineParser::Line line = ChatLineParser::parse(raw, m_endpoint);
    switch (line.kind) {
    case ChatLineParser::Line::Kind::Blank:
        return true;
    case ChatLineParser::Line::Kind::NotJson:
        if (!m_sawLine && !raw.trimmed().startsWith('{')) {
            completeFailure(OllamaResult::ErrorKind::NotOllama,
                            QStringLiteral("The server at %1 does not look like Ollama: %2 answered \"%3\" instead "
                                           "of JSON lines.")
                                .arg(m_server, description(), QString::fromUtf8(raw.trimmed().left(200))));
        } else {
            completeFailure(
                OllamaResult::ErrorKind::Truncated,
                QStringLiteral("The reply from Ollama at %1 broke off in the middle of a line.").arg(m_server));
        }
        return false;
    case ChatLineParser::Line::Kind::Error:
        completeFailure(
            OllamaResult::ErrorKind::Stream,
            QStringLiteral("Ollama at %1 stopped answering with model \"%2\": %3").arg(m_server, m_model, line.text),
            line.text);
        return false;
    case ChatLineParser::Line::Kind::Piece:
        break;
    }
    m_sawLine = true;
    setPhase(Phase::Streaming);
    ChatLineParser::apply(line, m_reply);
    if (!line.text.isEmpty()) {
        emit piece(line.text);
        if (m_finished) {
            return false; // cancelled from the slot
        }
    }
    if (m_reply.done) {
        OllamaResult result = m_result;
        result.status = OllamaResult::Status::Ok;
        result.errorKind = OllamaResult::ErrorKind::None;
        result.json = {{"reply", m_reply.text.toStdString()},
                       {"done_reason", m_reply.doneReason.toStdString()},
                       {"metrics", m_reply.metrics.toJson()}};
        complete(std::move(result));
        return false;
    }
    return true;
}

void ChatCall::onTimeout()
{
    if (m_finished) {
        return;
    }
    QString message;
    switch (m_phase) {
    case Phase::Connecting:
        message = QStringLiteral("Could not reach Ollama at %1 within %2 (%3). Is Ollama running there, and is the "
                                 "address reachable from this machine?")
                      .arg(m_server, seconds(m_timeouts.connect), description());
        break;
    case Phase::WaitingForFirstPiece:
        message = QStringLiteral("Ollama at %1 did not start answering within %2 (%3, model \"%4\"): it may still be "
                                 "loading the model, which can take minutes on a CPU. Try again, or allow longer.")
                      .arg(m_server, seconds(m_timeouts.firstPiece), description(), m_model);
        break;
    case Phase::Streaming:
        message = QStringLiteral("The reply of model \"%1\" at %2 took longer than %3 and was stopped. Ask for fewer "
                                 "tokens, or allow longer.")
                      .arg(m_model, m_server, seconds(m_timeouts.reply));
        break;
    }
    completeFailure(OllamaResult::ErrorKind::Timeout, message);
}

void ChatCall::onFinished()
{
    if (m_finished || !m_network) {
        return;
    }
    m_timer->stop();
    const QVariant statusAttribute = m_network->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    m_result.httpStatus = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    if (m_network->bytesAvailable() > 0) {
        onReadyRead();
        if (m_finished) {
            return;
        }
    }
    const int error = m_network->error();
    const bool transportError = (error >= 1 && error <= 99) || (error >= 101 && error <= 199);
    const int status = m_result.httpStatus;
    if (status == 0) {
        QString message;
        const auto kind =
            ReplyErrors::classifyNetworkError(m_network, m_sslErrors, m_server, description(), m_sawLine, message);
        completeFailure(kind, message);
        return;
    }
    if (status >= 400) {
        const QString text = ReplyErrors::serverText(m_buffer);
        QString message;
        if (status == 403 && text.isEmpty()) {
            message = QStringLiteral("Ollama at %1 refused %2 with 403 Forbidden: its Host-header check. Connect to it "
                                     "by localhost or its IP address, or make it listen with OLLAMA_HOST=0.0.0.0.")
                          .arg(m_server, description());
        } else if (status == 404) {
            message = QStringLiteral("Ollama at %1 has no model \"%2\" (%3). Was it deleted from the server? Deploy "
                                     "it again, or pick another model.")
                          .arg(m_server, m_model, text);
        } else {
            message = QStringLiteral("Ollama at %1 could not answer with model \"%2\" (HTTP %3): %4")
                          .arg(m_server, m_model)
                          .arg(status)
                          .arg(text);
        }
        completeFailure(OllamaResult::ErrorKind::Http, message, text);
        return;
    }
    processLines(true);
    if (m_finished) {
        return;
    }
    if (transportError) {
        completeFailure(OllamaResult::ErrorKind::ConnectionDropped,
                        QStringLiteral("The connection to Ollama at %1 was lost in the middle of the reply (%2).")
                            .arg(m_server, m_network->errorString()));
        return;
    }
    completeFailure(
        OllamaResult::ErrorKind::Truncated,
        QStringLiteral("The reply from Ollama at %1 ended before its final line; it may be incomplete.").arg(m_server));
}

void ChatCall::completeFailure(OllamaResult::ErrorKind kind, const QString& message, const QString& serverMessage)
{
    OllamaResult result = m_result;
    result.status = OllamaResult::Status::Failed;
    result.errorKind = kind;
    result.message = message;
    result.serverMessage = serverMessage;
    complete(std::move(result));
}

void ChatCall::complete(OllamaResult result)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_timer->stop();
    ReplyErrors::abandon(m_network, this);
    m_buffer.clear();
    m_result = std::move(result);
    if (!m_result.ok() && !m_result.cancelled()) {
        logging::net()->info("{} {} failed: {}", description().toStdString(), m_server.toStdString(),
                             m_result.message.toStdString());
    }
    emit finished(m_result);
}

} // namespace deepext::ollama
