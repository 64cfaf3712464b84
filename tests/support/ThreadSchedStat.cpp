#include "ThreadSchedStat.h"

#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace deepext::test_support {

// /proc/thread-self names the opening thread; the descriptor keeps naming it whichever thread reads it later.
ThreadSchedStat::ThreadSchedStat()
    : m_fd(::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC))
{
}

ThreadSchedStat::~ThreadSchedStat()
{
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

ThreadSchedStat::Times ThreadSchedStat::read() const
{
    if (m_fd < 0) {
        return {};
    }
    char text[128];
    const ssize_t length = ::pread(m_fd, text, sizeof text - 1, 0);
    if (length <= 0) {
        return {};
    }
    text[length] = '\0';
    char* end = nullptr;
    Times times;
    times.onCpuNs = static_cast<qint64>(std::strtoull(text, &end, 10));
    times.waitingNs = static_cast<qint64>(std::strtoull(end, nullptr, 10));
    return times;
}

} // namespace deepext::test_support
