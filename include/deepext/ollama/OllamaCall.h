#pragma once

#include "deepext/ollama/OllamaResult.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslError>
#include <QString>
#include <QUrl>

#include <chrono>
#include <functional>

class QNetworkReply;
class QTimer;

namespace deepext::ollama {

// The handle of one request to an Ollama server: progress while it runs, cancel() at any time, finished() exactly
// once. finished() comes from the event loop (never from inside the OllamaClient method that made the call), except
// for cancel(), which reports synchronously so the canceller knows the call is over when it returns.
// The call is a child of its OllamaClient; deleteLater() it once finished to free it sooner.
class OllamaCall : public QObject
{
    Q_OBJECT

public:
    enum class Kind
    {
        Json,   // a small request whose answer is read whole
        Head,   // HEAD /api/blobs/<digest>
        Upload, // POST /api/blobs/<digest> streaming a file
        Create, // POST /api/create read as NDJSON
    };

    ~OllamaCall() override;

    // Aborts the request; finished() is emitted with Status::Cancelled before this returns (no-op when finished).
    void cancel();
    // A non-negative progress count from an NDJSON line (0 when missing or not a number; saturates when huge).
    static qint64 progressNumber(const nlohmann::json& line, const char* key);
    // line[key] when it is a string, else "": a server that sends another type gets no exception thrown at it.
    static std::string stringField(const nlohmann::json& line, const char* key);
    // The model names of a /api/tags body ("name", else "model", as older servers send), in its order; entries
    // without either are skipped, and a body without a "models" array has none.
    static std::vector<std::string> modelNames(const nlohmann::json& tags);
    bool isFinished() const { return m_finished; }
    const OllamaResult& result() const { return m_result; }
    // "POST /api/create" and the like, for logs and messages.
    QString description() const { return m_method + QLatin1Char(' ') + m_path; }

signals:
    // Bytes of the request body sent (uploads), or completed/total of a create status line.
    void progress(qint64 done, qint64 total);
    // Create: each status line as it arrives, e.g. "converting model".
    void statusLine(const QString& status);
    void finished(const deepext::ollama::OllamaResult& result);

private:
    friend class OllamaClient;

    struct Timeouts
    {
        std::chrono::milliseconds request;     // connecting, and small requests as a whole (between bytes)
        std::chrono::milliseconds uploadStall; // an upload with no progress for this long fails
    };

    OllamaCall(Kind kind, QString method, QString path, QString serverDisplay, Timeouts timeouts, QObject* parent);

    // Takes over `reply` (deleted with the call, or when it ends).
    void start(QNetworkReply* reply);
    // Fails without touching the network (bad input caught locally); reported from the event loop.
    void failEarly(OllamaResult::ErrorKind kind, const QString& message);

    void onUploadProgress(qint64 sent, qint64 total);
    void onReadyRead();
    void onFinished();
    void onTimeout();
    void onRequestSent();

    void processCreateLines(bool atEnd);
    bool handleCreateLine(const QByteArray& line);
    void finishJson();
    void finishHead();
    void finishCreate();
    void completeWith(OllamaResult result);
    void completeFailure(OllamaResult::ErrorKind kind, const QString& message, const QString& serverMessage = {});
    OllamaResult::ErrorKind classifyNetworkError(QString& message) const;
    QString httpErrorMessage(int status, const QString& serverText) const;
    bool isHtml() const;
    void armTimer(std::chrono::milliseconds timeout);

    Kind m_kind;
    QString m_method;
    QString m_path;
    QString m_server;
    Timeouts m_timeouts;
    QPointer<QNetworkReply> m_reply;
    // Turns a raw result into the endpoint's own (checks the answer is Ollama's, rewords messages).
    std::function<void(OllamaResult&)> m_postProcess;
    QTimer* m_timer;
    OllamaResult m_result;
    QByteArray m_buffer; // unread NDJSON, or the whole answer of a small request
    QList<QSslError> m_sslErrors;
    bool m_finished = false;
    bool m_timedOut = false;
    bool m_sawProgress = false;
    bool m_requestSent = false;
    bool m_sawSuccess = false;
    bool m_checkedHeaders = false;
    int m_lines = 0;
};

} // namespace deepext::ollama
