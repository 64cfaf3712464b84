#pragma once

#include "deepext/ollama/DeployPreflight.h"
#include "deepext/ollama/DeployTypes.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaVersion.h"

#include <QObject>
#include <QPointer>

#include <optional>
#include <vector>

class QNetworkAccessManager;

namespace deepext::ollama {

// Deploys a saved model to an Ollama server on the event loop: the pre-flight (DeployPreflight, before any byte is
// uploaded; the model's files checked on disk; the format chosen), HEAD/POST of the blobs Ollama lacks, HEAD again,
// /api/create streamed, the model digest from /api/tags. One deploy per Deployer. cancel() works in every phase.
// A GGUF deploy asks its caller for the file (ggufNeeded(), answered by useGguf() or ggufFailed()): this layer does
// not write GGUF, the workflow layer does.
class Deployer : public QObject
{
    Q_OBJECT

public:
    enum class Phase
    {
        Idle,
        Preflight,     // local checks, then the server's version, models (the name) and the format
        PreparingGguf, // the caller writes (or reuses) the GGUF file
        CheckingBlobs, // HEAD every blob
        Uploading,     // POST the missing ones
        Verifying,     // HEAD every blob again right before create
        Creating,      // /api/create
        Finishing,     // the model digest from /api/tags
        Done,
    };
    Q_ENUM(Phase)

    // `network` must outlive the Deployer.
    explicit Deployer(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~Deployer() override;

    void setTimeouts(const OllamaTimeouts& timeouts) { m_timeouts = timeouts; }
    // How often a blob upload whose connection dropped is tried again (default 2).
    void setUploadRetries(int retries) { m_uploadRetries = retries; }

    // Starts the deploy; finished() follows exactly once, from the event loop (or from cancel()).
    void start(DeployRequest request);
    void cancel();

    // PreparingGguf: the GGUF file, written into the model directory (path relative to it, size and SHA-256 as
    // recorded in the card), or why it could not be. Ignored in any other phase.
    void useGguf(const ManifestEntry& entry);
    void ggufFailed(const QString& message, const QString& details = {});

    Phase phase() const { return m_phase; }
    bool isRunning() const { return m_started && !m_finished; }
    const DeployOutcome& outcome() const { return m_outcome; }

    static QString phaseName(Phase phase);

    // DeployPreflight::selectFiles and canonicalQuantize, kept here for their callers.
    static std::vector<ManifestEntry> selectFiles(const std::vector<ManifestEntry>& manifest);
    static std::optional<std::string> canonicalQuantize(const std::string& quantize);

signals:
    void phaseChanged(deepext::ollama::Deployer::Phase phase);
    // Uploading: bytes sent of the bytes Ollama lacked. Creating: completed/total of Ollama's progress lines.
    void progress(qint64 bytesDone, qint64 bytesTotal);
    // Creating: each status line of /api/create ("converting model", "quantizing ... (123/456)", ...).
    void statusLine(const QString& line);
    void warning(const QString& message);
    // The format decision was GGUF: write it, then call useGguf() or ggufFailed().
    void ggufNeeded();
    void finished(const deepext::ollama::DeployOutcome& outcome);

private:
    struct Blob
    {
        QString digest; // sha256:<lowercase hex>
        QString filePath;
        std::string relativePath;
        std::uint64_t size = 0;
    };

    void runPreflight();
    bool checkRequestLocally();
    void onVersion(const OllamaResult& result);
    void onTags(const OllamaResult& result);
    void checkBlobs();
    void headNext();
    void startUploads();
    void uploadNext();
    void onUploaded(const OllamaResult& result);
    void verifyBlobs();
    void verifyNext();
    void startCreate();
    void onCreated(const OllamaResult& result);
    void readDigest();

    void setPhase(Phase phase);
    void addWarning(const QString& message);
    // Wires a call's finished() to `next` (and cancellation); the call is freed afterwards.
    template <typename Next>
    void track(OllamaCall* call, Next next);
    void fail(const QString& message, const QString& details = {});
    void failWith(const OllamaResult& result);
    void finishCancelled();
    void finish(DeployOutcome::Status status, const QString& message, const QString& details = {});

    QNetworkAccessManager* m_network;
    OllamaTimeouts m_timeouts;
    int m_uploadRetries = 2;
    DeployRequest m_request;
    OllamaClient* m_client = nullptr;
    QPointer<OllamaCall> m_current;
    PreflightDecision m_preflight;
    std::vector<Blob> m_blobs;          // one per distinct digest
    std::vector<std::size_t> m_missing; // indexes into m_blobs still to upload
    nlohmann::json m_filesMap = nlohmann::json::object();
    std::size_t m_index = 0;
    int m_attempt = 0;
    int m_verifyRounds = 0;
    qint64 m_bytesDone = 0;
    qint64 m_bytesTotal = 0;
    Phase m_phase = Phase::Idle;
    DeployOutcome m_outcome;
    bool m_started = false;
    bool m_finished = false;
    bool m_cancelled = false;
};

} // namespace deepext::ollama
