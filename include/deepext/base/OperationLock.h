#pragma once

#include <atomic>
#include <memory>
#include <string>

class QLockFile;

namespace deepext {

// A lock file held by a living process (QLockFile: pid + host inside; a lock whose process is gone is stale and
// taken over). Used for the workspace registry lock and for each save, delete or deploy in progress, so start-up
// clean-up removes only what no living process holds.
class OperationLock
{
public:
    explicit OperationLock(const std::string& lockFilePath);
    ~OperationLock();
    OperationLock(const OperationLock&) = delete;
    OperationLock& operator=(const OperationLock&) = delete;

    // Waits up to timeoutMs (0: one try, negative: no limit). True when this process now holds the lock. A lock file
    // that names no process (left empty by a process killed while creating it) is taken over once 3 s old.
    bool tryLock(int timeoutMs);
    // Waits as long as another holder has it, checking `cancel` every 50 ms: throws Error::cancelled() when it is
    // set, and Error naming the lock file when the lock cannot be taken for another reason.
    void lockUnlessCancelled(const std::atomic_bool& cancel);
    void unlock();
    bool isLocked() const;
    const std::string& path() const { return m_path; }

    // True when some living process (this one included) holds the lock at `lockFilePath`.
    static bool isHeldByLivingProcess(const std::string& lockFilePath);

private:
    std::string m_path;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace deepext
