#pragma once

#include "BlobUpload.h"
#include "ChatStreamPlayer.h"
#include "CreateStreamPlayer.h"
#include "HttpRequestParser.h"
#include "HttpResponse.h"
#include "ResponseChannel.h"
#include "ServerState.h"

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>

#include <functional>
#include <memory>

namespace deepext::fake {

// One client connection on the server thread, the transport: parses requests as bytes arrive, streams uploads to
// disk (with the drop and stall faults), answers the way Go's net/http does (early answers, drains, closes) and
// hands complete requests to the endpoint handlers (ServerHandlers, ModelHandlers, BlobHandlers) and creates to a
// CreateStreamPlayer.
class HttpConnection : public QObject, private ResponseChannel
{
    Q_OBJECT

public:
    HttpConnection(QTcpSocket* socket, ServerState& state, int id, QObject* parent = nullptr);
    ~HttpConnection() override;

    bool isHeld() const { return m_create && m_create->isHeld(); }
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

    void pump();
    // Caps the next body slice for the upload faults; false when reading stops here (dropped or stalled).
    bool applyUploadFaults(std::size_t& maxBody);
    void onHead();
    void onBody(QByteArrayView data);
    void onComplete();
    void onDisconnected();
    // The response to a complete request with a buffered body (everything but uploads and creates).
    HttpResponse respond() const;

    void writeResponse(const HttpResponse& response, bool close = false);
    // Answers before the body was read, as Go handlers do: a small rest is drained, a large one closes the
    // connection after a half-close and a short drain (net/http's rstAvoidanceDelay).
    void sendEarly(const HttpResponse& response);
    void finishResponse(bool close);
    void closeAfterDrain();
    void resumeReading();

    // ResponseChannel, for the create stream.
    bool isClosing() const override { return m_closing; }
    void send(const HttpResponse& response) override;
    void startChunked(const QByteArray& contentType) override;
    void writeChunk(const QByteArray& data) override;
    void endChunked() override;
    void cut() override;

    void updateRecord(const std::function<void(RecordedRequest&)>& change);

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
    bool m_closedEmitted = false;

    // Upload state.
    QString m_uploadDigest;
    std::unique_ptr<BlobUpload> m_upload;
    qint64 m_dropAfter = -1;
    qint64 m_stallAfter = -1;
    bool m_stalled = false;

    std::unique_ptr<CreateStreamPlayer> m_create;
    std::unique_ptr<ChatStreamPlayer> m_chat;
};

} // namespace deepext::fake
