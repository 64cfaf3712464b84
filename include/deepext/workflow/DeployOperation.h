#pragma once

#include "deepext/base/Records.h"
#include "deepext/merge/MergeTypes.h"
#include "deepext/ollama/OllamaClient.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QNetworkAccessManager;

namespace deepext {

class JobRunner;
class OperationLock;
class Workspace;
namespace ollama {
class Deployer;
struct DeployOutcome;
} // namespace ollama

// Where a deploy takes its template from when no --template FILE is given.
enum class TemplateFrom
{
    Snapshot, // the saved model's own snapshot (the base's Deployment Template File at save time); the base's when
              // it has none (saved before snapshots)
    Base,     // the base model's Deployment Template File as registered now
};

struct DeployOptions
{
    std::string environment; // a configured environment's name; empty: --url, else the default, else OLLAMA_HOST
    std::string url;         // an Ollama URL given directly
    std::string quantization = "q4_K_M"; // no_quantization | q8_0 | q4_K_M | q4_K_S
    std::string ollamaName;              // empty: <saved>_d_<4hex>_<quant>
    std::string system;                  // overrides the template file's SYSTEM
    std::vector<std::string> parameters; // "KEY=VALUE", merged over the template file's PARAMETERs
    std::string templateFile;            // overrides the snapshot and the base model's Deployment Template File
    TemplateFrom templateFrom = TemplateFrom::Snapshot;
    bool autodetectTemplate = false; // let Ollama take the template from tokenizer_config.json
    bool replaceExisting = false;    // a model of that name on the server may be replaced (--replace)
    std::string format = "auto";     // auto | safetensors | gguf (DeployFormatChooser)
    std::string ggufType = "auto";   // a GGUF deploy's file: auto | f32 | f16 | bf16 | q8_0
};

// What would be sent, resolved before anything touches the network (the deploy dialog previews it).
struct ResolvedDeployment
{
    std::string savedName;
    std::string modelDirectory;
    std::string serverUrl;
    std::string environment;
    std::string caFile;
    std::string ollamaName;
    bool nameGenerated = false; // ollamaName was generated: a collision draws a fresh deploy suffix
    bool replaceExisting = false;
    std::vector<std::string> recordedNames; // names our records hold on this server
    std::vector<std::string> busyNames;     // names deploys to this server are creating now
    std::string deployUuid;
    std::string quantization;
    std::string format;               // as asked: auto, safetensors or gguf (the server's version decides auto)
    std::string ggufType;             // the GGUF file's type if it goes as GGUF: auto, f32, f16, bf16 or q8_0
    std::string templateText;         // the template that will be sent (empty with autodetect)
    std::string templateSource;       // where it comes from
    bool baseTemplateDiffers = false; // the snapshot is sent, and the base's current Deployment Template File differs
    std::string system;
    nlohmann::json parameters = nlohmann::json::object();
    std::string license;
    nlohmann::json messages = nlohmann::json::array();
    std::string architecture;
    std::vector<ManifestEntry> files; // the card's manifest
    std::vector<std::string> warnings;
};

// Deploy (saved → Ollama) with its record: resolves the options, takes the deploy lock and writes a "deploying"
// record (so a crash reads "interrupted"), runs the Deployer on the event loop, and updates the record when it ends
// (deployed with the server's digest / failed with the server's exact text / cancelled), then releases the lock.
// Every registry read and record write runs through `runner`: on its pool in the window, so a registry lock held by
// another process never stalls the event loop; inline (the CLI) when no runner is given.
class DeployOperation final : public QObject
{
    Q_OBJECT

public:
    DeployOperation(const Workspace& workspace, QNetworkAccessManager* network, JobRunner* runner = nullptr,
                    QObject* parent = nullptr);
    ~DeployOperation() override;

    // Throws deepext::Error (usage kind for bad options) before any network traffic.
    static ResolvedDeployment resolve(const Workspace& workspace, const std::string& savedName,
                                      const DeployOptions& options);

    // Starts the deploy; finished() is always emitted once, from the event loop (also for failures found before
    // uploading: bad options, the deploy lock held by another process, a record that cannot be written).
    void start(const std::string& savedName, const DeployOptions& options);
    // Starts a deploy resolved beforehand (the name and UUID shown to the user are the ones used).
    void start(const ResolvedDeployment& resolved, bool autodetectTemplate);
    // Also before the upload has begun (while the first record write waits): the deploy then ends cancelled.
    void cancel();
    // Before start(): how long the server may stay silent (the defaults suit real servers; tests shorten them).
    void setTimeouts(const ollama::OllamaTimeouts& timeouts) { m_timeouts = timeouts; }
    const DeploymentRecord& record() const { return m_record; }

signals:
    void phaseChanged(const QString& phase);
    void progressChanged(qint64 bytesDone, qint64 bytesTotal);
    void statusLine(const QString& line);
    void warning(const QString& text);
    // ok: deployed. message: a sentence for the user; details: the server's own text.
    void finished(bool ok, const QString& message, const QString& details);

private:
    void launch(const ResolvedDeployment& resolved, bool autodetectTemplate);
    // The Deployer chose GGUF: write or reuse the saved model's GGUF file off the event loop (GgufDeployFile).
    void prepareGguf(const ResolvedDeployment& resolved);
    void onDeployerFinished(const ollama::DeployOutcome& outcome);
    // Ends a deploy that wrote no record: finished(false) from the event loop.
    void refuse(const std::string& message, const std::string& details = {});
    void finish(DeploymentStatus status, const std::string& message, const std::string& details);

    const Workspace& m_workspace;
    QNetworkAccessManager* m_network;
    std::unique_ptr<JobRunner> m_inlineRunner;
    JobRunner* m_runner;
    DeploymentRecord m_record;
    std::unique_ptr<ollama::Deployer> m_deployer;
    ollama::OllamaTimeouts m_timeouts;
    std::shared_ptr<OperationLock> m_lock; // shared with the jobs that write the record, which release it
    // The GGUF export runs on its own thread even in the CLI, so Ctrl+C and progress keep working while it writes.
    std::shared_ptr<std::atomic_bool> m_ggufCancel = std::make_shared<std::atomic_bool>(false);
    std::unique_ptr<JobRunner> m_ggufRunner; // declared last: destroyed first, waiting for a cancelled export
    bool m_starting = false;
    bool m_cancelRequested = false;
    bool m_finished = false;
};

} // namespace deepext
