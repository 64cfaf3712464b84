#pragma once

#include <QEventLoop>
#include <QTimer>

#include <functional>

namespace deepext::test_support {

// Runs the event loop until `done` or the timeout; false on timeout. A real QEventLoop rather than
// QTest::qWaitFor, which sleeps 10 ms between rounds: that throttles socket I/O to a crawl, and a stall meter on the
// GUI thread would count the sleeps against the window.
inline bool waitFor(const std::function<bool()>& done, int timeoutMs = 30000)
{
    if (done()) {
        return true;
    }
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) {
            loop.quit();
        }
    });
    poll.start(5);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return done();
}

} // namespace deepext::test_support
