#include "deepext/ollama/Deployer.h"

#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/ollama/DeployFormatChooser.h"
#include "deepext/ollama/OllamaName.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaMethod>
#include <QNetworkAccessManager>
#include <QTimer>

#include <algorithm>

namespace deepext::ollama {
namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString formatStatus(const nlohmann::json& line)
{
    QString text = q(OllamaCall::stringField(line, "status"));
    const qint64 total = OllamaCall::progressNumber(line, "total");
    if (total > 0) {
        text += QStringLiteral(" (%1/%2)").arg(OllamaCall::progressNumber(line, "completed")).arg(total);
    }
    return text;
}

} // namespace

Deployer::Deployer(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_network(network)
{
}

Deployer::~Deployer()
{
    if (m_current) {
        m_current->disconnect(this);
        m_current->cancel();
    }
}

QString Deployer::phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Idle:
        return QStringLiteral("idle");
    case Phase::Preflight:
        return QStringLiteral("checking the server");
    case Phase::PreparingGguf:
        return QStringLiteral("writing the GGUF file");
    case Phase::CheckingBlobs:
        return QStringLiteral("checking which files Ollama has");
    case Phase::Uploading:
        return QStringLiteral("uploading files");
    case Phase::Verifying:
        return QStringLiteral("verifying uploaded files");
    case Phase::Creating:
        return QStringLiteral("creating the model");
    case Phase::Finishing:
        return QStringLiteral("reading the model digest");
    case Phase::Done:
        return QStringLiteral("done");
    }
    return {};
}

std::optional<std::string> Deployer::canonicalQuantize(const std::string& quantize)
{
    return DeployPreflight::canonicalQuantize(quantize);
}

std::vector<ManifestEntry> Deployer::selectFiles(const std::vector<ManifestEntry>& manifest)
{
    return DeployPreflight::selectFiles(manifest);
}

void Deployer::start(DeployRequest request)
{
    if (m_started) {
        return;
    }
    m_started = true;
    m_request = std::move(request);
    m_outcome.modelName = m_request.ollamaName;
    // Reported from the event loop, so a caller connects to finished() after start() and still hears everything.
    QTimer::singleShot(0, this, [this] {
        if (!m_finished) {
            runPreflight();
        }
    });
}

void Deployer::cancel()
{
    if (!m_started || m_finished) {
        return;
    }
    m_cancelled = true;
    if (m_current && !m_current->isFinished()) {
        m_current->cancel(); // reports through its finished(), which ends the deploy
    }
    if (!m_finished) {
        finishCancelled();
    }
}

void Deployer::setPhase(Phase phase)
{
    if (m_phase != phase) {
        m_phase = phase;
        logging::net()->debug("deploy {}: {}", m_request.ollamaName, phaseName(phase).toStdString());
        emit phaseChanged(phase);
    }
}

void Deployer::addWarning(const QString& message)
{
    m_outcome.warnings.push_back(message.toStdString());
    logging::net()->warn("deploy {}: {}", m_request.ollamaName, message.toStdString());
    emit warning(message);
}

template <typename Next>
void Deployer::track(OllamaCall* call, Next next)
{
    m_current = call;
    connect(call, &OllamaCall::finished, this, [this, call, next](const OllamaResult& result) {
        call->deleteLater();
        if (m_current == call) {
            m_current = nullptr;
        }
        if (m_finished) {
            return;
        }
        if (result.cancelled() || m_cancelled) {
            finishCancelled();
            return;
        }
        next(result);
    });
}

bool Deployer::checkRequestLocally()
{
    PreflightDecision decision = DeployPreflight::checkRequest(m_request);
    for (const QString& warning : decision.warnings) {
        addWarning(warning);
    }
    if (!decision.ok()) {
        fail(decision.error);
        return false;
    }
    m_request = decision.request;
    m_preflight = std::move(decision);
    m_preflight.warnings.clear(); // reported

    // The files on disk must be the ones the card lists; their digests are used as they are (never re-hashed).
    const QDir directory(m_request.modelDirectory);
    for (const DeployFile& file : m_preflight.files) {
        const ManifestEntry& entry = file.entry;
        const QString filePath = directory.filePath(q(entry.path));
        const QFileInfo info(filePath);
        if (!info.isFile()) {
            fail(QStringLiteral("%1 is missing; the saved model is incomplete.").arg(filePath));
            return false;
        }
        if (static_cast<std::uint64_t>(info.size()) != entry.size) {
            fail(QStringLiteral("%1 has %2 bytes but the model card lists %3; verify the saved model.")
                     .arg(filePath)
                     .arg(info.size())
                     .arg(entry.size));
            return false;
        }
        m_filesMap[entry.path] = file.digest.toStdString();
        const bool known =
            std::any_of(m_blobs.begin(), m_blobs.end(), [&](const Blob& b) { return b.digest == file.digest; });
        if (!known) {
            m_blobs.push_back({file.digest, filePath, entry.path, entry.size});
        }
    }

    m_client = new OllamaClient(m_network, QUrl(m_request.serverUrl, QUrl::StrictMode), this);
    m_client->setTimeouts(m_timeouts);
    if (!m_request.caFile.isEmpty()) {
        try {
            m_client->setCaFile(m_request.caFile);
        } catch (const Error& error) {
            fail(q(error.message()));
            return false;
        }
    }
    return true;
}

void Deployer::runPreflight()
{
    setPhase(Phase::Preflight);
    if (!checkRequestLocally()) {
        return;
    }
    track(m_client->version(), [this](const OllamaResult& result) { onVersion(result); });
}

void Deployer::onVersion(const OllamaResult& result)
{
    if (!result.ok()) {
        failWith(result);
        return;
    }
    const std::string text = result.json["version"].get<std::string>();
    m_outcome.serverVersion = text;
    PreflightDecision decision = DeployPreflight::checkServer(std::move(m_preflight), text, m_client->serverDisplay());
    for (const QString& warning : decision.warnings) {
        addWarning(warning);
    }
    if (!decision.ok()) {
        fail(decision.error);
        return;
    }
    m_preflight = std::move(decision);
    m_preflight.warnings.clear(); // reported
    // The name against the server's models before any blob request: nothing is uploaded for a deploy refused here.
    track(m_client->tags(), [this](const OllamaResult& tags) { onTags(tags); });
}

void Deployer::onTags(const OllamaResult& result)
{
    if (!result.ok()) {
        failWith(result);
        return;
    }
    PreflightDecision decision =
        DeployPreflight::checkCollision(std::move(m_preflight), result.json, m_client->serverDisplay());
    for (const QString& warning : decision.warnings) {
        addWarning(warning);
    }
    if (!decision.ok()) {
        fail(decision.error);
        return;
    }
    m_preflight = std::move(decision);
    m_preflight.warnings.clear(); // reported
    m_request.ollamaName = m_preflight.request.ollamaName;
    m_outcome.modelName = m_request.ollamaName;
    m_outcome.replacedExisting = m_preflight.replacesExisting;
    m_outcome.format = DeployFormatChooser::name(m_preflight.format);
    logging::net()->info("deploy {}: {}", m_request.ollamaName, m_preflight.formatReason.toStdString());
    if (m_preflight.format != DeployFormat::Gguf) {
        checkBlobs();
        return;
    }
    setPhase(Phase::PreparingGguf);
    if (m_finished) {
        return; // cancelled from a phaseChanged() receiver
    }
    if (!isSignalConnected(QMetaMethod::fromSignal(&Deployer::ggufNeeded))) {
        fail(QStringLiteral("Internal error: %1 must go as GGUF, but nothing writes GGUF files for this deploy.")
                 .arg(q(m_request.ollamaName)));
        return;
    }
    emit ggufNeeded();
}

void Deployer::useGguf(const ManifestEntry& entry)
{
    if (m_finished || m_phase != Phase::PreparingGguf) {
        return;
    }
    const QString filePath = QDir(m_request.modelDirectory).filePath(q(entry.path));
    const QFileInfo info(filePath);
    const auto digest = OllamaClient::blobDigest(entry.sha256);
    if (!info.isFile() || static_cast<std::uint64_t>(info.size()) != entry.size || !digest) {
        fail(QStringLiteral("The GGUF file %1 is missing or not as recorded; export it again.").arg(filePath));
        return;
    }
    // One blob, under the name Ollama's own client gives a GGUF (its suffix makes the server parse it as GGUF).
    m_blobs = {{*digest, filePath, entry.path, entry.size}};
    m_filesMap = nlohmann::json::object({{"model.gguf", digest->toStdString()}});
    checkBlobs();
}

void Deployer::ggufFailed(const QString& message, const QString& details)
{
    if (m_finished || m_phase != Phase::PreparingGguf) {
        return;
    }
    if (m_cancelled) {
        finishCancelled();
        return;
    }
    fail(message, details);
}

void Deployer::checkBlobs()
{
    setPhase(Phase::CheckingBlobs);
    m_index = 0;
    m_missing.clear();
    headNext();
}

void Deployer::headNext()
{
    if (m_index >= m_blobs.size()) {
        m_outcome.blobsSkipped = static_cast<int>(m_blobs.size() - m_missing.size());
        startUploads();
        return;
    }
    track(m_client->headBlob(m_blobs[m_index].digest), [this](const OllamaResult& result) {
        if (!result.ok()) {
            failWith(result);
            return;
        }
        if (!result.json.value("exists", false)) {
            m_missing.push_back(m_index);
        }
        ++m_index;
        headNext();
    });
}

void Deployer::startUploads()
{
    setPhase(Phase::Uploading);
    m_bytesDone = 0;
    m_bytesTotal = 0;
    for (std::size_t i : m_missing) {
        m_bytesTotal += static_cast<qint64>(m_blobs[i].size);
    }
    emit progress(0, m_bytesTotal);
    m_index = 0;
    m_attempt = 0;
    uploadNext();
}

void Deployer::uploadNext()
{
    if (m_index >= m_missing.size()) {
        verifyBlobs();
        return;
    }
    const Blob& blob = m_blobs[m_missing[m_index]];
    OllamaCall* call = m_client->postBlob(blob.digest, blob.filePath);
    connect(call, &OllamaCall::progress, this,
            [this](qint64 sent, qint64) { emit progress(m_bytesDone + sent, m_bytesTotal); });
    track(call, [this](const OllamaResult& result) { onUploaded(result); });
}

void Deployer::onUploaded(const OllamaResult& result)
{
    const Blob& blob = m_blobs[m_missing[m_index]];
    if (result.ok()) {
        m_bytesDone += static_cast<qint64>(blob.size);
        m_outcome.bytesUploaded += blob.size;
        ++m_outcome.blobsUploaded;
        emit progress(m_bytesDone, m_bytesTotal);
        ++m_index;
        m_attempt = 0;
        uploadNext();
        return;
    }
    if (result.errorKind == OllamaResult::ErrorKind::ConnectionDropped && m_attempt < m_uploadRetries) {
        ++m_attempt;
        addWarning(QStringLiteral("The upload of %1 was interrupted (%2); trying again (%3 of %4).")
                       .arg(q(blob.relativePath), result.message)
                       .arg(m_attempt)
                       .arg(m_uploadRetries));
        emit progress(m_bytesDone, m_bytesTotal);
        // The server may have stored it after all: ask before sending it again.
        track(m_client->headBlob(blob.digest), [this](const OllamaResult& head) {
            if (!head.ok()) {
                failWith(head);
                return;
            }
            if (head.json.value("exists", false)) {
                onUploaded([] {
                    OllamaResult stored;
                    stored.status = OllamaResult::Status::Ok;
                    return stored;
                }());
                return;
            }
            uploadNext();
        });
        return;
    }
    fail(QStringLiteral("Uploading %1 failed: %2").arg(q(blob.relativePath), result.message), result.serverMessage);
}

void Deployer::verifyBlobs()
{
    setPhase(Phase::Verifying);
    m_index = 0;
    m_missing.clear();
    verifyNext();
}

void Deployer::verifyNext()
{
    if (m_index < m_blobs.size()) {
        track(m_client->headBlob(m_blobs[m_index].digest), [this](const OllamaResult& result) {
            if (!result.ok()) {
                failWith(result);
                return;
            }
            if (!result.json.value("exists", false)) {
                m_missing.push_back(m_index);
            }
            ++m_index;
            verifyNext();
        });
        return;
    }
    if (m_missing.empty()) {
        startCreate();
        return;
    }
    // Ollama prunes unreferenced blobs when it restarts; send them once more, then give up.
    if (m_verifyRounds++ == 0) {
        addWarning(QStringLiteral("%1 uploaded file(s) are no longer on the server (was Ollama restarted?); "
                                  "uploading them again.")
                       .arg(m_missing.size()));
        startUploads();
        return;
    }
    fail(QStringLiteral("Ollama at %1 keeps losing uploaded files (%2 is missing again); check the server's disk "
                        "and logs.")
             .arg(m_client->serverDisplay(), q(m_blobs[m_missing.front()].relativePath)));
}

void Deployer::startCreate()
{
    setPhase(Phase::Creating);
    const DeployRequest& r = m_request;
    nlohmann::json body = {{"model", r.ollamaName}, {"name", r.ollamaName}, {"files", m_filesMap}};
    if (r.templateText && r.templateText->find_first_not_of(" \t\r\n") != std::string::npos) {
        body["template"] = *r.templateText;
    }
    if (r.system) {
        body["system"] = *r.system;
    }
    if (!r.parameters.empty()) {
        body["parameters"] = r.parameters;
    }
    if (!r.license.empty()) {
        body["license"] = r.license;
    }
    if (!r.messages.empty()) {
        body["messages"] = r.messages;
    }
    if (r.quantize != "no_quantization") {
        body["quantize"] = r.quantize;
    }
    OllamaCall* call = m_client->create(body);
    connect(call, &OllamaCall::statusLine, this,
            [this, call](const QString&) { emit statusLine(formatStatus(call->result().json)); });
    connect(call, &OllamaCall::progress, this, [this](qint64 done, qint64 total) { emit progress(done, total); });
    track(call, [this](const OllamaResult& result) { onCreated(result); });
}

void Deployer::onCreated(const OllamaResult& result)
{
    if (result.ok()) {
        readDigest();
        return;
    }
    if (result.serverMessage.contains(QStringLiteral("path or Modelfile are required"))) {
        fail(QStringLiteral("Ollama at %1 is too old to deploy to: it answered \"%2\", as servers before 0.5.5 do. "
                            "Upgrade Ollama to 0.5.5 or later and try again.")
                 .arg(m_client->serverDisplay(), result.serverMessage),
             result.serverMessage);
        return;
    }
    if (!result.serverMessage.isEmpty()) {
        // Ollama's own words are the message; where they came from goes into the details.
        fail(result.serverMessage, QStringLiteral("Ollama at %1 could not create %2.")
                                       .arg(m_client->serverDisplay(), q(m_request.ollamaName)));
        return;
    }
    failWith(result);
}

void Deployer::readDigest()
{
    setPhase(Phase::Finishing);
    track(m_client->tags(), [this](const OllamaResult& result) {
        if (result.ok() && result.json["models"].is_array()) {
            for (const auto& model : result.json["models"]) {
                std::string name = OllamaCall::stringField(model, "name");
                if (name.empty()) {
                    name = OllamaCall::stringField(model, "model");
                }
                if (OllamaName::sameModel(name, m_request.ollamaName)) {
                    m_outcome.modelDigest = OllamaCall::stringField(model, "digest");
                    break;
                }
            }
        }
        if (m_outcome.modelDigest.empty()) {
            addWarning(result.ok() ? QStringLiteral("Ollama created %1 but does not list it in /api/tags.")
                                         .arg(q(m_request.ollamaName))
                                   : QStringLiteral("Could not read the model digest: %1").arg(result.message));
        }
        finish(DeployOutcome::Status::Deployed,
               QStringLiteral("Deployed %1 to Ollama at %2.").arg(q(m_request.ollamaName), m_client->serverDisplay()));
    });
}

void Deployer::failWith(const OllamaResult& result)
{
    fail(result.message, result.serverMessage);
}

void Deployer::fail(const QString& message, const QString& details)
{
    finish(DeployOutcome::Status::Failed, message, details);
}

void Deployer::finishCancelled()
{
    QString message = QStringLiteral("Deploy cancelled by the user.");
    if (m_phase == Phase::Creating) {
        message += QStringLiteral(" Ollama may still finish creating %1.").arg(q(m_request.ollamaName));
    }
    finish(DeployOutcome::Status::Cancelled, message);
}

void Deployer::finish(DeployOutcome::Status status, const QString& message, const QString& details)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    if (m_current) {
        OllamaCall* call = m_current;
        m_current = nullptr;
        call->disconnect(this);
        call->cancel();
        call->deleteLater();
    }
    m_outcome.status = status;
    m_outcome.message = message.toStdString();
    m_outcome.details = details.toStdString();
    logging::net()->info("deploy {}: {}", m_request.ollamaName, m_outcome.message);
    setPhase(Phase::Done);
    emit finished(m_outcome);
}

} // namespace deepext::ollama
