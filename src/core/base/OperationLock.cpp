#include "deepext/base/OperationLock.h"

#include "deepext/base/Error.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QString>
#include <QThread>

#include <algorithm>
#include <cstdlib>

namespace deepext {
namespace {

// QLockFile writes its pid into the file right after creating it; an older file without one was left by a process
// killed in between.
constexpr qint64 kTornLockAgeMs = 3000;

bool isTorn(QLockFile& lock, const QString& path)
{
    qint64 pid = 0;
    QString host;
    QString application;
    if (lock.getLockInfo(&pid, &host, &application)) {
        return false;
    }
    const QFileInfo info(path);
    return info.exists() && std::abs(info.lastModified().msecsTo(QDateTime::currentDateTime())) >= kTornLockAgeMs;
}

// A torn lock file names no process, so with age-based staleness off QLockFile would wait for it forever (seen when
// a registry writer was killed at the wrong microsecond). Removed under a guard lock, re-checked there, so two
// processes cannot both remove it and one of them delete the other's fresh lock.
bool removeTornLockFile(QLockFile& lock, const QString& path)
{
    if (!isTorn(lock, path)) {
        return false;
    }
    QLockFile guard(path + QStringLiteral(".rmlock"));
    if (!guard.tryLock(0)) {
        return false;
    }
    const bool removed = isTorn(lock, path) && QFile::remove(path);
    guard.unlock();
    return removed;
}

} // namespace

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
    const QString path = QString::fromStdString(m_path);
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        if (m_lock->tryLock(0)) {
            return true;
        }
        if (m_lock->error() != QLockFile::LockFailedError) {
            return false;
        }
        if (removeTornLockFile(*m_lock, path)) {
            continue;
        }
        const qint64 left = timeoutMs < 0 ? 50 : timeoutMs - clock.elapsed();
        if (left <= 0) {
            return false;
        }
        QThread::msleep(static_cast<unsigned long>(std::min<qint64>(50, left)));
    }
}

void OperationLock::lockUnlessCancelled(const std::atomic_bool& cancel)
{
    for (;;) {
        if (cancel) {
            throw Error::cancelled();
        }
        if (tryLock(50)) {
            return;
        }
        if (m_lock->error() != QLockFile::LockFailedError) {
            throw Error("cannot take the lock " + m_path + " (check that its folder is writable)");
        }
    }
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
    removeTornLockFile(probe, path);
    if (probe.tryLock(0)) {
        // Nobody alive held it (a stale file is removed by tryLock); leave no lock file behind.
        probe.unlock();
        return false;
    }
    return probe.error() == QLockFile::LockFailedError;
}

} // namespace deepext
