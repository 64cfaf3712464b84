#include "InterruptGuard.h"

#include <csignal>

namespace deepext::cli {
namespace {

struct sigaction s_previousInt;
struct sigaction s_previousTerm;

void onSignal(int signal)
{
    if (InterruptGuard::flag().exchange(true)) {
        // Second interrupt: the user insists.
        std::signal(signal, SIG_DFL);
        std::raise(signal);
    }
}

} // namespace

std::atomic_bool& InterruptGuard::flag()
{
    static std::atomic_bool cancelled{false};
    static_assert(std::atomic_bool::is_always_lock_free, "set from a signal handler");
    return cancelled;
}

InterruptGuard::InterruptGuard()
{
    flag().store(false);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &s_previousInt);
    sigaction(SIGTERM, &action, &s_previousTerm);
}

InterruptGuard::~InterruptGuard()
{
    sigaction(SIGINT, &s_previousInt, nullptr);
    sigaction(SIGTERM, &s_previousTerm, nullptr);
}

} // namespace deepext::cli
