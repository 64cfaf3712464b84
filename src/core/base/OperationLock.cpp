#include "deepext/base/OperationLock.h"

#include <QFile>
#include <QLockFile>
#include <QString>

namespace deepext {

OperationLock::OperationLock(const std::string& lockFilePath)
    : m_path(lockFilePath)
    , m_lock(std::make_unique<QLockFile>(QString::fromStdString(lockFilePath)))
{
    // Never treat a lock as stale by age: a merge may run for an hour. A lock is stale only when its process is gone.
    m_lock->setStaleLockTime(0);
}

OperationLock::~OperationLock() = default;

bool OperationLock::tryLock(int timeoutMs)
{
    return m_lock->tryLock(timeoutMs);
}

void OperationLock::unlock()
{
    if (m_lock->isLocked()) {
        m_lock->unlock();
    }
}

bool OperationLock::isLocked() const
{
    return m_lock->isLocked();
}

bool OperationLock::isHeldByLivingProcess(const std::string& lockFilePath)
{
    const QString path = QString::fromStdString(lockFilePath);
    if (!QFile::exists(path)) {
        return false;
    }
    QLockFile probe(path);
    probe.setStaleLockTime(0);
    if (probe.tryLock(0)) {
        // Nobody alive held it (a stale file is removed by tryLock); leave no lock file behind.
        probe.unlock();
        return false;
    }
    return probe.error() == QLockFile::LockFailedError;
}

} // namespace deepext
