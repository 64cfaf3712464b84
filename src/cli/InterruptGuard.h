#pragma once

#include <atomic>

namespace deepext::cli {

// While alive, Ctrl+C (SIGINT) and SIGTERM set the cancel flag instead of killing the process, so a running save or
// deploy cleans up after itself. A second Ctrl+C restores the default action.
class InterruptGuard
{
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    static std::atomic_bool& flag();
    bool interrupted() const { return flag().load(); }
};

} // namespace deepext::cli
