#pragma once

#include "CreatePlanner.h"
#include "HttpRequestParser.h"
#include "ServerState.h"

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <nlohmann/json.hpp>

#include <memory>

namespace deepext {
class Sha256;
}

namespace deepext::fake {

// One client connection on the server thread: parses requests as bytes arrive, streams uploads to disk, routes
// to the Ollama handlers and plays out create streams step by step (so faults can hold, break or cut them).
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    HttpConnection(QTcpSocket* socket, ServerState& state, int id, QObject* parent = nullptr);
    ~HttpConnection() override;

    bool isHeld() const { return m_held; }
    bool isStalled() const { return m_stalled; }
    void releaseHold();
    void releaseStall();
    // Drops the connection at once (the server "going away").
    void abortNow();

signals:
    void closed(deepext::fake::HttpConnection* connection);
    void stateChanged(); // held or stalled changed

private:
    enum class BodyMode
    {
        Discard,
        Buffer,
        Upload,
    };

    struct Response
    {
        int status = 200;
        QByteArray contentType;
        QByteArray body;
    };

    void pump();
    void onHead();
    void onBody(QByteArrayView data);
    void onComplete();
    void onDisconnected();

    // Routes a complete request (buffered body) to its handler.
    Response route();
    Response handleShow();
    Response handleDelete();
    Response handleCopy();
    Response handleTags();
    Response finishUpload();
    bool hostAllowed() const;

    void send(const Response& response, bool close = false);
    // Answers before the body was read, as Go handlers do: a small rest is drained, a large one closes the
    // connection after a half-close and a short drain (net/http's rstAvoidanceDelay).
    void sendEarly(const Response& response);
    void finishResponse(bool close);
    void closeAfterDrain();

    void startCreate(CreatePlan plan);
    void advanceCreate();
    void writeChunk(const QByteArray& data);
    void endCreate(bool close);

    void updateRecord(const std::function<void(RecordedRequest&)>& change);
    void discardUpload();

    QTcpSocket* m_socket;
    ServerState& m_state;
    int m_id;
    HttpRequestParser m_parser;
    QByteArray m_inbox;
    qsizetype m_inboxPos = 0;

    HttpRequestHead m_head;
    int m_record = -1;
    BodyMode m_mode = BodyMode::Discard;
    QByteArray m_body;
    bool m_bodyTooLarge = false;
    bool m_responded = false; // an early response went out; the rest of the body is only drained
    bool m_busy = false;      // a create stream is playing; later pipelined requests wait
    bool m_closing = false;
    bool m_draining = false;

    // Upload state.
    QString m_uploadDigest;
    std::unique_ptr<QFile> m_upload;
    std::unique_ptr<Sha256> m_hash;
    QString m_uploadError;
    qint64 m_dropAfter = -1;
    qint64 m_stallAfter = -1;
    bool m_stalled = false;

    // Create stream state.
    CreatePlan m_plan;
    std::size_t m_step = 0;
    bool m_streamStarted = false;
    bool m_held = false;
    nlohmann::json m_lastLine;
    int m_lineDelayMs = 0;
};

} // namespace deepext::fake
