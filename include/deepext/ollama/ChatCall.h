#pragma once

#include "deepext/ollama/ChatTypes.h"
#include "deepext/ollama/OllamaResult.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslError>
#include <QString>

#include <chrono>

class QNetworkReply;
class QTimer;

namespace deepext::ollama {

// The handle of one streamed POST /api/chat or /api/generate: the reply piece by piece, cancel() at any time,
// finished() exactly once (from the event loop; from cancel() synchronously, with the reply so far kept).
// Three deadlines: connecting (the client's request timeout), the first piece (the model may be loading), the
// whole reply after it. A child of its OllamaClient; deleteLater() it once finished.
class ChatCall : public QObject
{
    Q_OBJECT

public:
    enum class Phase
    {
        Connecting,
        WaitingForFirstPiece, // the request is out; Ollama is loading the model or reading the prompt
        Streaming,
    };

    struct Timeouts
    {
        std::chrono::milliseconds connect;
        std::chrono::milliseconds firstPiece;
        std::chrono::milliseconds reply;
    };

    ~ChatCall() override;

    void cancel();
    bool isFinished() const { return m_finished; }
    Phase phase() const { return m_phase; }
    // The reply so far; complete (done, reason, metrics) once finished() reported success.
    const ChatReply& reply() const { return m_reply; }
    const OllamaResult& result() const { return m_result; }
    QString description() const;

signals:
    void phaseChanged(deepext::ollama::ChatCall::Phase phase);
    void piece(const QString& text);
    void finished(const deepext::ollama::OllamaResult& result);

private:
    friend class OllamaClient;

    ChatCall(ChatEndpoint endpoint, QString model, QString serverDisplay, Timeouts timeouts, QObject* parent);

    void start(QNetworkReply* reply);
    void failEarly(OllamaResult::ErrorKind kind, const QString& message);
    void onRequestSent();
    void onReadyRead();
    void onFinished();
    void onTimeout();
    // False once the call finished (an error line, a bad line).
    bool processLines(bool atEnd);
    bool handleLine(const QByteArray& line);
    void setPhase(Phase phase);
    void completeFailure(OllamaResult::ErrorKind kind, const QString& message, const QString& serverMessage = {});
    void complete(OllamaResult result);

    ChatEndpoint m_endpoint;
    QString m_model;
    QString m_server;
    Timeouts m_timeouts;
    QPointer<QNetworkReply> m_network;
    QTimer* m_timer;
    ChatReply m_reply;
    OllamaResult m_result;
    QByteArray m_buffer;
    QList<QSslError> m_sslErrors;
    Phase m_phase = Phase::Connecting;
    bool m_finished = false;
    bool m_sawLine = false;
};

} // namespace deepext::ollama
