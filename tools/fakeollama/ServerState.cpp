#include "ServerState.h"

namespace deepext::fake {

ServerState::ServerState(const QString& stateDir)
    : m_store(stateDir)
{
}

OllamaVersion ServerState::version() const
{
    QMutexLocker lock(&m_mutex);
    return OllamaVersion(m_version);
}

void ServerState::setVersion(const QString& version)
{
    QMutexLocker lock(&m_mutex);
    m_version = version;
}

FaultSettings ServerState::faults() const
{
    QMutexLocker lock(&m_mutex);
    return m_faults;
}

void ServerState::updateFaults(const std::function<void(FaultSettings&)>& change)
{
    QMutexLocker lock(&m_mutex);
    change(m_faults);
}

QPair<qint64, qint64> ServerState::takeUploadFaults()
{
    QMutexLocker lock(&m_mutex);
    qint64 drop = -1;
    qint64 stall = -1;
    if (m_faults.dropUploadAfter >= 0 && m_faults.dropUploadTimes != 0) {
        drop = m_faults.dropUploadAfter;
        if (m_faults.dropUploadTimes > 0 && --m_faults.dropUploadTimes == 0) {
            m_faults.dropUploadAfter = -1;
        }
    }
    if (m_faults.stallUploadAfter >= 0 && m_faults.stallUploadTimes != 0) {
        stall = m_faults.stallUploadAfter;
        if (m_faults.stallUploadTimes > 0 && --m_faults.stallUploadTimes == 0) {
            m_faults.stallUploadAfter = -1;
        }
    }
    return {drop, stall};
}

int ServerState::addRecord(RecordedRequest request)
{
    QMutexLocker lock(&m_mutex);
    m_records.append(std::move(request));
    return m_recordOffset + static_cast<int>(m_records.size()) - 1;
}

void ServerState::updateRecord(int index, const std::function<void(RecordedRequest&)>& change)
{
    QMutexLocker lock(&m_mutex);
    const int local = index - m_recordOffset;
    if (local >= 0 && local < m_records.size()) {
        change(m_records[local]);
    }
}

QList<RecordedRequest> ServerState::records() const
{
    QMutexLocker lock(&m_mutex);
    return m_records;
}

void ServerState::clearRecords()
{
    QMutexLocker lock(&m_mutex);
    m_recordOffset += static_cast<int>(m_records.size());
    m_records.clear();
}

bool ServerState::takeReleaseToken()
{
    QMutexLocker lock(&m_mutex);
    if (m_releaseTokens > 0) {
        --m_releaseTokens;
        return true;
    }
    return false;
}

void ServerState::addReleaseToken()
{
    QMutexLocker lock(&m_mutex);
    ++m_releaseTokens;
}

void ServerState::clearReleaseTokens()
{
    QMutexLocker lock(&m_mutex);
    m_releaseTokens = 0;
}

void ServerState::setHeldCount(int count)
{
    QMutexLocker lock(&m_mutex);
    m_held = count;
}

int ServerState::heldCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_held;
}

void ServerState::setStalledCount(int count)
{
    QMutexLocker lock(&m_mutex);
    m_stalled = count;
}

int ServerState::stalledCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_stalled;
}

bool ServerState::loadModel(const QString& key)
{
    QMutexLocker lock(&m_mutex);
    if (m_loaded.contains(key)) {
        return false;
    }
    m_loaded.append(key);
    return true;
}

} // namespace deepext::fake
