#include "FakeOllamaServer.h"

#include "ModelName.h"
#include "ServerState.h"
#include "ServerWorker.h"

#include <QDateTime>
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QThread>

namespace deepext::fake {

using nlohmann::json;

namespace {

// Runs f on the worker's thread and waits for it.
template <typename F>
auto onServerThread(ServerWorker* worker, F f)
{
    using R = decltype(f());
    if constexpr (std::is_void_v<R>) {
        QMetaObject::invokeMethod(worker, f, Qt::BlockingQueuedConnection);
    } else {
        R result{};
        QMetaObject::invokeMethod(worker, f, Qt::BlockingQueuedConnection, &result);
        return result;
    }
}

} // namespace

FakeOllamaServer::FakeOllamaServer(const QString& stateDir, QObject* parent)
    : QObject(parent)
    , m_state(std::make_unique<ServerState>(stateDir))
    , m_thread(new QThread(this))
    , m_worker(new ServerWorker(*m_state))
{
    m_thread->setObjectName(QStringLiteral("fake-ollama"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
}

FakeOllamaServer::~FakeOllamaServer()
{
    onServerThread(m_worker, [this] { m_worker->shutdown(); });
    m_thread->quit();
    m_thread->wait();
    delete m_worker;
}

bool FakeOllamaServer::setTls(const QString& certificateFile, const QString& keyFile, QString* error)
{
    const auto fail = [error](const QString& why) {
        if (error) {
            *error = why;
        }
        return false;
    };
    QFile certificates(certificateFile);
    if (!certificates.open(QIODevice::ReadOnly)) {
        return fail(
            QStringLiteral("cannot read the certificate %1: %2").arg(certificateFile, certificates.errorString()));
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificates.readAll(), QSsl::Pem);
    if (chain.isEmpty()) {
        return fail(QStringLiteral("no PEM certificate in %1").arg(certificateFile));
    }
    QFile keyData(keyFile);
    if (!keyData.open(QIODevice::ReadOnly)) {
        return fail(QStringLiteral("cannot read the private key %1: %2").arg(keyFile, keyData.errorString()));
    }
    const QByteArray pem = keyData.readAll();
    QSslKey key(pem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        key = QSslKey(pem, QSsl::Rsa, QSsl::Pem);
    }
    if (key.isNull()) {
        return fail(QStringLiteral("no unencrypted EC or RSA PEM private key in %1").arg(keyFile));
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
    onServerThread(m_worker, [this, configuration] { m_worker->setTls(configuration); });
    m_tls = true;
    return true;
}

bool FakeOllamaServer::listen(quint16 port)
{
    if (!m_started) {
        // A server start prunes blobs no model uses (server/images.go PruneLayers).
        m_started = true;
        const bool grace = m_state->version().pruneGracePeriod();
        m_state->store().pruneUnusedBlobs(grace ? std::chrono::hours(1) : std::chrono::seconds(0));
    }
    const bool ok = onServerThread(m_worker, [this, port] { return m_worker->listen(port); });
    if (ok) {
        m_port = onServerThread(m_worker, [this] { return m_worker->port(); });
    }
    return ok;
}

void FakeOllamaServer::close()
{
    onServerThread(m_worker, [this] {
        m_worker->stopListening();
        m_worker->dropConnections();
    });
}

quint16 FakeOllamaServer::port() const
{
    return m_port;
}

QString FakeOllamaServer::url() const
{
    return QStringLiteral("%1://127.0.0.1:%2")
        .arg(m_tls ? QStringLiteral("https") : QStringLiteral("http"))
        .arg(m_port);
}

QString FakeOllamaServer::stateDir() const
{
    return m_state->store().root();
}

void FakeOllamaServer::setVersion(const QString& version)
{
    m_state->setVersion(version);
}

QString FakeOllamaServer::version() const
{
    return m_state->version().text();
}

void FakeOllamaServer::setHostCheck(bool enabled)
{
    m_state->updateFaults([enabled](FaultSettings& f) { f.hostCheck = enabled; });
}

void FakeOllamaServer::setLineDelay(std::chrono::milliseconds delay)
{
    m_state->updateFaults([delay](FaultSettings& f) { f.lineDelayMs = static_cast<int>(delay.count()); });
}

void FakeOllamaServer::setRefuseConnections(bool refuse)
{
    m_state->updateFaults([refuse](FaultSettings& f) { f.refuseConnections = refuse; });
    onServerThread(m_worker, [this, refuse] {
        if (refuse) {
            m_worker->stopListening();
            m_worker->dropConnections();
        } else {
            m_worker->resumeListening();
        }
    });
}

void FakeOllamaServer::setDropUploadAfter(qint64 bytes, int times)
{
    m_state->updateFaults([bytes, times](FaultSettings& f) {
        f.dropUploadAfter = bytes;
        f.dropUploadTimes = times;
    });
}

void FakeOllamaServer::setStallUploadAfter(qint64 bytes, int times)
{
    m_state->updateFaults([bytes, times](FaultSettings& f) {
        f.stallUploadAfter = bytes;
        f.stallUploadTimes = times;
    });
}

void FakeOllamaServer::releaseStalledUploads()
{
    onServerThread(m_worker, [this] { m_worker->releaseStalled(); });
}

int FakeOllamaServer::stalledUploadCount() const
{
    return m_state->stalledCount();
}

void FakeOllamaServer::setHoldCreate(bool hold)
{
    m_state->updateFaults([hold](FaultSettings& f) { f.holdCreate = hold; });
    if (!hold) {
        onServerThread(m_worker, [this] { m_worker->releaseHeld(); });
        m_state->clearReleaseTokens();
    }
}

void FakeOllamaServer::releaseHeldCreate()
{
    onServerThread(m_worker, [this] { m_worker->releaseHeld(); });
}

int FakeOllamaServer::heldCreateCount() const
{
    return m_state->heldCount();
}

void FakeOllamaServer::setCreateErrorAfterLines(int lines, const QString& message, int status)
{
    m_state->updateFaults([=](FaultSettings& f) {
        f.createErrorAfterLines = lines;
        f.createErrorMessage = message;
        f.createErrorStatus = status;
    });
}

void FakeOllamaServer::setTruncateCreateAfterLines(int lines, bool cleanly)
{
    m_state->updateFaults([=](FaultSettings& f) {
        f.truncateCreateAfterLines = lines;
        f.truncateCleanly = cleanly;
    });
}

void FakeOllamaServer::setHtmlResponses(bool enabled)
{
    m_state->updateFaults([enabled](FaultSettings& f) { f.htmlResponses = enabled; });
}

void FakeOllamaServer::setInlineStreamErrors(bool enabled)
{
    m_state->updateFaults([enabled](FaultSettings& f) { f.inlineStreamErrors = enabled; });
}

void FakeOllamaServer::setRunOn(const QString& model, bool runOn)
{
    const QString key = model.isEmpty() ? QStringLiteral("*") : ModelName::parse(model).key();
    m_state->updateFaults([key, runOn](FaultSettings& f) {
        f.runOnModels.removeAll(key);
        if (runOn) {
            f.runOnModels.append(key);
        }
    });
}

void FakeOllamaServer::setTokenDelay(std::chrono::milliseconds delay)
{
    m_state->updateFaults([delay](FaultSettings& f) { f.tokenDelayMs = static_cast<int>(delay.count()); });
}

void FakeOllamaServer::setLoadDelay(std::chrono::milliseconds delay)
{
    m_state->updateFaults([delay](FaultSettings& f) { f.loadDelayMs = static_cast<int>(delay.count()); });
}

void FakeOllamaServer::setChatErrorAfterPieces(int pieces, const QString& message)
{
    m_state->updateFaults([pieces, message](FaultSettings& f) {
        f.chatErrorAfterPieces = pieces;
        f.chatErrorMessage = message;
    });
}

void FakeOllamaServer::clearFaults()
{
    const bool wasRefusing = m_state->faults().refuseConnections;
    m_state->updateFaults([](FaultSettings& f) {
        const bool hostCheck = f.hostCheck;
        const int delay = f.lineDelayMs;
        f = FaultSettings();
        f.hostCheck = hostCheck;
        f.lineDelayMs = delay;
    });
    onServerThread(m_worker, [this, wasRefusing] {
        m_worker->releaseHeld();
        m_worker->releaseStalled();
        if (wasRefusing) {
            m_worker->resumeListening();
        }
    });
    m_state->clearReleaseTokens();
}

QList<RecordedRequest> FakeOllamaServer::requests() const
{
    return m_state->records();
}

QList<RecordedRequest> FakeOllamaServer::requests(const QString& method, const QString& path) const
{
    QList<RecordedRequest> out;
    for (const RecordedRequest& r : m_state->records()) {
        const bool pathMatches = path.endsWith(u'*') ? r.path.startsWith(path.chopped(1)) : r.path == path;
        if ((method.isEmpty() || r.method == method) && pathMatches) {
            out.append(r);
        }
    }
    return out;
}

void FakeOllamaServer::clearRequests()
{
    m_state->clearRecords();
}

QStringList FakeOllamaServer::uploadedDigests() const
{
    QStringList out;
    for (const RecordedRequest& r : requests(QStringLiteral("POST"), QStringLiteral("/api/blobs/*"))) {
        if (r.status == 201) {
            out.append(r.path.mid(11));
        }
    }
    return out;
}

std::optional<json> FakeOllamaServer::lastCreateRequest() const
{
    const QList<RecordedRequest> creates = requests(QStringLiteral("POST"), QStringLiteral("/api/create"));
    if (creates.isEmpty()) {
        return std::nullopt;
    }
    return creates.last().json;
}

QStringList FakeOllamaServer::blobDigests() const
{
    return m_state->store().blobDigests();
}

bool FakeOllamaServer::hasBlob(const QString& digest) const
{
    return m_state->store().hasBlob(digest);
}

QString FakeOllamaServer::blobPath(const QString& digest) const
{
    return m_state->store().blobPath(digest);
}

QString FakeOllamaServer::addBlob(const QByteArray& data)
{
    return m_state->store().writeBlob(data);
}

std::optional<json> FakeOllamaServer::model(const QString& name) const
{
    const ModelName parsed = ModelName::parse(name);
    if (!parsed.isValid()) {
        return std::nullopt;
    }
    const std::optional<ModelName> stored = m_state->store().existingName(parsed);
    if (!stored) {
        return std::nullopt;
    }
    for (json entry : m_state->store().listModels()) {
        if (entry.value("name", std::string()) != stored->displayShortest().toStdString()) {
            continue;
        }
        json record = entry["record"];
        entry.erase("record");
        for (const char* key : {"template", "system", "parameters", "license", "messages", "layers", "request"}) {
            if (record.contains(key)) {
                entry[key] = record[key];
            }
        }
        return entry;
    }
    return std::nullopt;
}

QStringList FakeOllamaServer::modelNames() const
{
    QStringList out;
    for (const json& entry : m_state->store().listModels()) {
        out.append(QString::fromStdString(entry.value("name", std::string())));
    }
    return out;
}

bool FakeOllamaServer::addModel(const QString& name, const QString& quantizationLevel, const QString& family)
{
    const ModelName parsed = ModelName::parse(name);
    if (!parsed.isValid()) {
        return false;
    }
    ModelStore& store = m_state->store();
    QByteArray gguf("GGUF\x03\x00\x00\x00", 8);
    gguf += (name + u'|' + quantizationLevel).toUtf8();
    const QString digest = store.writeBlob(gguf);
    const QDateTime now = QDateTime::currentDateTime();
    const json record = {
        {"layers", json::array({json{{"mediaType", "application/vnd.ollama.image.model"},
                                     {"digest", digest.toStdString()},
                                     {"size", gguf.size()}}})},
        {"details",
         {{"parent_model", ""},
          {"format", "gguf"},
          {"family", family.toStdString()},
          {"families", json::array({family.toStdString()})},
          {"parameter_size", "1B"},
          {"quantization_level", quantizationLevel.toStdString()}}},
        {"template", "{{ .Prompt }}"},
        {"system", ""},
        {"parameters", json::object()},
        {"license", json::array()},
        {"messages", json::array()},
        {"parameter_count", 1000000000},
        {"capabilities", json::array({"completion"})},
        {"modified_at", now.toOffsetFromUtc(now.offsetFromUtc()).toString(Qt::ISODateWithMs).toStdString()},
        {"modified_ms", now.toMSecsSinceEpoch()},
    };
    store.writeRecord(parsed, record);
    return true;
}

int FakeOllamaServer::pruneUnusedBlobs(std::chrono::seconds grace)
{
    return m_state->store().pruneUnusedBlobs(grace);
}

int FakeOllamaServer::restart(bool ignoreGracePeriod)
{
    onServerThread(m_worker, [this] {
        m_worker->stopListening();
        m_worker->dropConnections();
    });
    const bool grace = !ignoreGracePeriod && m_state->version().pruneGracePeriod();
    const int pruned = m_state->store().pruneUnusedBlobs(grace ? std::chrono::hours(1) : std::chrono::seconds(0));
    if (!m_state->faults().refuseConnections) {
        onServerThread(m_worker, [this] { m_worker->resumeListening(); });
    }
    return pruned;
}

int FakeOllamaServer::connectionCount() const
{
    return onServerThread(m_worker, [this] { return m_worker->connectionCount(); });
}

} // namespace deepext::fake
