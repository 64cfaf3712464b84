#include "RunQueueDelay.h"

#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace deepext::test_support {

// /proc/thread-self names the opening thread; the descriptor keeps naming it whichever thread reads it later.
RunQueueDelay::RunQueueDelay()
    : m_fd(::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC))
{
}

RunQueueDelay::~RunQueueDelay()
{
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

qint64 RunQueueDelay::ns() const
{
    if (m_fd < 0) {
        return 0;
    }
    char text[128];
    const ssize_t length = ::pread(m_fd, text, sizeof text - 1, 0);
    if (length <= 0) {
        return 0;
    }
    text[length] = '\0';
    char* end = nullptr;
    std::strtoull(text, &end, 10); // time on a CPU
    return static_cast<qint64>(std::strtoull(end, nullptr, 10));
}

} // namespace deepext::test_support
