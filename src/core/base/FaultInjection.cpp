#include "deepext/base/FaultInjection.h"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace deepext::fault {

#ifdef DEEPEXT_FAULT_HOOKS
namespace {

std::uint64_t killAfterBytes()
{
    static const std::uint64_t limit = [] {
        const char* value = std::getenv("DEEPEXT_FAULT_KILL_AFTER_BYTES");
        return value && *value ? std::strtoull(value, nullptr, 10) : 0ULL;
    }();
    return limit;
}

std::atomic<std::uint64_t> s_written{0};

} // namespace

void checkpoint(const char* name)
{
    const char* target = std::getenv("DEEPEXT_FAULT_KILL_AT");
    if (target && std::strcmp(target, name) == 0) {
        std::raise(SIGKILL);
    }
    const char* pause = std::getenv("DEEPEXT_FAULT_STOP_AT");
    if (pause && std::strcmp(pause, name) == 0) {
        std::raise(SIGSTOP); // the test sees the stopped process, signals it, and continues it with SIGCONT
    }
}

void bytesWritten(std::uint64_t count)
{
    const std::uint64_t limit = killAfterBytes();
    if (limit > 0 && s_written.fetch_add(count) + count >= limit) {
        std::raise(SIGKILL);
    }
}
#else
void checkpoint(const char*) {}
void bytesWritten(std::uint64_t) {}
#endif

} // namespace deepext::fault
