#pragma once

#include <QtGlobal>

namespace deepext::test_support {

// Where the time of the thread that made this object went, from Linux's /proc/thread-self/schedstat: nanoseconds on
// a CPU and runnable but waiting for one (0 where the kernel does not keep them). The file stays open and is read
// again from its start on each call: 2.5-3.5 us on a loaded machine, cheap enough for the start of every event handler
// (it is nearly all a HandlerStallMeter adds to one).
class ThreadSchedStat
{
public:
    struct Times
    {
        qint64 onCpuNs = 0;
        qint64 waitingNs = 0;
    };

    ThreadSchedStat();
    ~ThreadSchedStat();
    ThreadSchedStat(const ThreadSchedStat&) = delete;
    ThreadSchedStat& operator=(const ThreadSchedStat&) = delete;

    Times read() const;

private:
    int m_fd = -1;
};

} // namespace deepext::test_support
