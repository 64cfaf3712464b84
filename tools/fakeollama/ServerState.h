#pragma once

#include "ModelStore.h"
#include "OllamaVersion.h"
#include "RecordedRequest.h"

#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <functional>

namespace deepext::fake {

// The fault switches. A negative count or byte limit means "off"; a "times" of -1 means every time.
struct FaultSettings
{
    bool refuseConnections = false;
    qint64 dropUploadAfter = -1;
    int dropUploadTimes = -1;
    qint64 stallUploadAfter = -1;
    int stallUploadTimes = -1;
    bool holdCreate = false;
    int createErrorAfterLines = -1;
    QString createErrorMessage;
    int createErrorStatus = 500;
    int truncateCreateAfterLines = -1;
    bool truncateCleanly = false;
    bool htmlResponses = false;
    bool inlineStreamErrors = false; // force the v0.5.5-0.12.5 error style
    bool hostCheck = true;
    int lineDelayMs = 0;
    // Chat and generate: models (storage keys, see ModelName::key; "*" for every model) whose replies never end by
    // themselves, as a fine-tune whose template does not match what it emits; the pause before each reply piece; how
    // long loading a model takes (the first request to it after a start).
    QStringList runOnModels;
    int tokenDelayMs = 0;
    int loadDelayMs = 0;
    // Chat and generate end with {"error": chatErrorMessage} after this many pieces (-1: off); at 0, before any line,
    // as an HTTP 500 error body.
    int chatErrorAfterPieces = -1;
    QString chatErrorMessage;
};

// Everything the test thread and the server thread share, behind one mutex.
class ServerState
{
public:
    explicit ServerState(const QString& stateDir);

    ModelStore& store() { return m_store; }

    OllamaVersion version() const;
    void setVersion(const QString& version);

    FaultSettings faults() const;
    void updateFaults(const std::function<void(FaultSettings&)>& change);
    // Takes one use of the upload faults; returns the byte limits that apply to this upload (-1: none).
    QPair<qint64, qint64> takeUploadFaults();

    int addRecord(RecordedRequest request);
    void updateRecord(int index, const std::function<void(RecordedRequest&)>& change);
    QList<RecordedRequest> records() const;
    void clearRecords();

    // Held creates: a release that arrives before the create reaches the hold point is kept for it.
    bool takeReleaseToken();
    void addReleaseToken();
    void clearReleaseTokens();
    void setHeldCount(int count);
    int heldCount() const;
    void setStalledCount(int count);
    int stalledCount() const;
    // Marks a model loaded; true when it was not yet (this request pays the load).
    bool loadModel(const QString& key);

private:
    mutable QMutex m_mutex;
    ModelStore m_store;
    QString m_version = QStringLiteral("0.33.0-rc2");
    FaultSettings m_faults;
    QList<RecordedRequest> m_records;
    int m_recordOffset = 0; // records cleared so far, so indexes stay valid across clearRecords()
    int m_releaseTokens = 0;
    int m_held = 0;
    int m_stalled = 0;
    QStringList m_loaded; // storage keys of models loaded by a chat or generate
};

} // namespace deepext::fake
