#pragma once

#include <QtGlobal>

namespace deepext::test_support {

// Nanoseconds the thread that made this object has spent runnable but waiting for a CPU: the second field of Linux's
// /proc/thread-self/schedstat; 0 where the kernel does not keep it. The file stays open and is read again from its
// start on each call: 2.5-3.5 us on a loaded machine, cheap enough for the start of every event handler (it is nearly
// all a HandlerStallMeter adds to one).
class RunQueueDelay
{
public:
    RunQueueDelay();
    ~RunQueueDelay();
    RunQueueDelay(const RunQueueDelay&) = delete;
    RunQueueDelay& operator=(const RunQueueDelay&) = delete;

    qint64 ns() const;

private:
    int m_fd = -1;
};

} // namespace deepext::test_support
