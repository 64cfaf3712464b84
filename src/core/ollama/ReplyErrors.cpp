#include "ReplyErrors.h"

#include <QNetworkReply>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace deepext::ollama {
namespace {

constexpr qsizetype MaxQuotedBytes = 2000;

} // namespace

// The server's own words from an error body: the JSON "error" field, else the text itself.
QString ReplyErrors::serverText(const QByteArray& body)
{
    const auto json = nlohmann::json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
    if (json.is_object() && json.contains("error")) {
        const auto& error = json["error"];
        return QString::fromStdString(error.is_string() ? error.get<std::string>() : error.dump());
    }
    QString text = QString::fromUtf8(body).trimmed();
    if (text.size() > MaxQuotedBytes) {
        text = text.left(MaxQuotedBytes) + QStringLiteral("…");
    }
    return text;
}

OllamaResult::ErrorKind ReplyErrors::classifyNetworkError(const QNetworkReply* reply, const QList<QSslError>& sslErrors,
                                                          const QString& server, const QString& description,
                                                          bool started, QString& message)
{
    const auto error = reply ? reply->error() : QNetworkReply::UnknownNetworkError;
    const QString detail = reply ? reply->errorString() : QString();
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        message = QStringLiteral("Could not connect to Ollama at %1: connection refused. Is Ollama running at %1?")
                      .arg(server);
        return OllamaResult::ErrorKind::ConnectionRefused;
    case QNetworkReply::HostNotFoundError:
        message = QStringLiteral("Could not connect to Ollama at %1: the host name was not found. Check the server "
                                 "URL.")
                      .arg(server);
        return OllamaResult::ErrorKind::HostNotFound;
    case QNetworkReply::TimeoutError:
        message = QStringLiteral("The connection to Ollama at %1 timed out (%2).").arg(server, description);
        return OllamaResult::ErrorKind::Timeout;
    case QNetworkReply::SslHandshakeFailedError:
    case QNetworkReply::UnknownNetworkError:
        if (error == QNetworkReply::SslHandshakeFailedError || !sslErrors.isEmpty()) {
            QStringList reasons;
            for (const QSslError& sslError : sslErrors) {
                reasons << sslError.errorString();
            }
            message = QStringLiteral("The secure connection to %1 failed: %2. If the server's certificate comes "
                                     "from a private certificate authority, set the CA file of this deployment "
                                     "environment.")
                          .arg(server, reasons.isEmpty() ? detail : reasons.join(QStringLiteral("; ")));
            return OllamaResult::ErrorKind::Tls;
        }
        break;
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionClosedError:
        message = QStringLiteral("The connection to Ollama at %1 was closed during %2 (%3).")
                      .arg(server, description, detail);
        return OllamaResult::ErrorKind::ConnectionDropped;
    default:
        break;
    }
    message = QStringLiteral("Could not talk to Ollama at %1 (%2): %3").arg(server, description, detail);
    return started ? OllamaResult::ErrorKind::ConnectionDropped : OllamaResult::ErrorKind::Network;
}

void ReplyErrors::abandon(QPointer<QNetworkReply>& reply, QObject* receiver)
{
    if (!reply) {
        return;
    }
    QNetworkReply* released = reply;
    reply = nullptr;
    released->disconnect(receiver);
    if (released->isRunning()) {
        released->abort();
    }
    released->deleteLater();
}

} // namespace deepext::ollama
