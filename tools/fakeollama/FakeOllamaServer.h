#pragma once

#include "RecordedRequest.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>

class QThread;

namespace deepext::fake {

class ServerState;
class ServerWorker;

// A stand-in Ollama server on 127.0.0.1 that enforces what docs/ollama-notes.md lists ("What the stand-in enforces"),
// records every request and can be told to misbehave. It serves from its own thread, so a test may block
// (QProcess::waitForFinished, a synchronous client) while it answers; every method here is safe to call from the test
// thread.
class FakeOllamaServer : public QObject
{
    Q_OBJECT

public:
    // stateDir plays $OLLAMA_MODELS (blobs/ and manifests/); it is created if missing and kept afterwards.
    explicit FakeOllamaServer(const QString& stateDir, QObject* parent = nullptr);
    ~FakeOllamaServer() override;

    // Serve https (before listen()): the PEM certificate chain and private key of the server. False, with the
    // reason in *error, when they cannot be read.
    bool setTls(const QString& certificateFile, const QString& keyFile, QString* error = nullptr);
    // Listens on 127.0.0.1 (port 0: any free port). The first listen prunes unused blobs, as a server start does.
    bool listen(quint16 port = 0);
    void close();
    quint16 port() const;
    QString url() const; // http://127.0.0.1:PORT, or https:// after setTls()
    QString stateDir() const;

    // The version /api/version reports; it also picks the era of create, error and quantize behaviour
    // (below 0.5.5: legacy Modelfile create; below 0.12.6: stream errors as 200 + NDJSON line; ...).
    void setVersion(const QString& version);
    QString version() const;
    // The Host-header 403 check of a loopback server (on by default).
    void setHostCheck(bool enabled);
    // Pause between create progress lines, so clients can watch them arrive one by one.
    void setLineDelay(std::chrono::milliseconds delay);

    // Fault switches.
    // Stop listening (connections are refused) and drop open connections; false listens again on the same port.
    void setRefuseConnections(bool refuse);
    // Reset the connection once an upload has delivered this many body bytes (-1: off); times -1 means every upload.
    void setDropUploadAfter(qint64 bytes, int times = -1);
    // Stop reading an upload after this many body bytes (-1: off) until releaseStalledUploads().
    void setStallUploadAfter(qint64 bytes, int times = -1);
    void releaseStalledUploads();
    int stalledUploadCount() const;
    // Hold every create after its first status line ("converting model") until releaseHeldCreate().
    void setHoldCreate(bool hold);
    // Releases held creates; when none is held yet, the next create to reach its hold point passes through.
    void releaseHeldCreate();
    int heldCreateCount() const;
    // End every create with {"error":message} after this many progress lines (-1: off). With 0 lines the error is
    // the first message and gets the HTTP status (or, in the inline era, a 200 line carrying "status").
    void setCreateErrorAfterLines(int lines, const QString& message, int status = 500);
    // Close every create stream after this many lines without "success" (-1: off). cleanly: end the chunked body
    // properly instead of dropping the connection.
    void setTruncateCreateAfterLines(int lines, bool cleanly = false);
    // Answer every request with 200 and an HTML page (a captive portal or a proxy in the way).
    void setHtmlResponses(bool enabled);
    // Force the v0.5.5-0.12.5 stream error style (200 + {"error","status"} line) whatever the version.
    void setInlineStreamErrors(bool enabled);
    // Chat and generate: the model's replies never end by themselves (they run on to num_predict, or to Ollama's cap
    // of 10 x num_ctx tokens when none is sent), as a fine-tune whose template does not match what it emits; a
    // stop string that occurs in what it says still ends them. An empty name means every model.
    void setRunOn(const QString& model, bool runOn = true);
    // Chat and generate: the pause before each piece of a reply, and the time the first request to a model spends
    // loading it before anything is sent.
    void setTokenDelay(std::chrono::milliseconds delay);
    void setLoadDelay(std::chrono::milliseconds delay);
    // Chat and generate fail with message (e.g. an out-of-memory text) after this many pieces (-1: off); at 0 before
    // anything is streamed, with HTTP 500.
    void setChatErrorAfterPieces(int pieces, const QString& message);
    void clearFaults();

    // What clients sent, oldest first.
    QList<RecordedRequest> requests() const;
    QList<RecordedRequest> requests(const QString& method, const QString& path) const;
    void clearRequests();
    // Digests of blob uploads the server stored (POST answered 201), in order.
    QStringList uploadedDigests() const;
    // The JSON body of the last POST /api/create.
    std::optional<nlohmann::json> lastCreateRequest() const;

    // Stored state.
    QStringList blobDigests() const; // "sha256:<hex>", sorted
    bool hasBlob(const QString& digest) const;
    QString blobPath(const QString& digest) const;
    QString addBlob(const QByteArray& data); // returns "sha256:<hex>"
    // The /api/tags entry of a model plus its stored fields (template, system, parameters, license, messages,
    // layers, request); matched case-insensitively.
    std::optional<nlohmann::json> model(const QString& name) const;
    QStringList modelNames() const; // display names, newest first
    // Installs a model directly (for from-creates, show and delete tests).
    bool addModel(const QString& name, const QString& quantizationLevel = QStringLiteral("F16"),
                  const QString& family = QStringLiteral("llama"));
    // Deletes unreferenced blobs older than grace; returns how many went.
    int pruneUnusedBlobs(std::chrono::seconds grace = std::chrono::seconds(0));
    // Simulates a server restart: drops connections, prunes unused blobs (with the 1 h grace period from v0.21.0
    // unless ignoreGracePeriod) and listens again on the same port. Returns the number of blobs pruned.
    int restart(bool ignoreGracePeriod = true);
    int connectionCount() const;

private:
    std::unique_ptr<ServerState> m_state;
    QThread* m_thread;
    ServerWorker* m_worker;
    quint16 m_port = 0;
    bool m_started = false;
    bool m_tls = false;
};

} // namespace deepext::fake
