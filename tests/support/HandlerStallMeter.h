#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QTimer>

#include <string>

class QEvent;
class QObject;

namespace deepext::test_support {

// How long the window stood still: the longest stretch the GUI thread spent inside event handlers without getting
// back to its event loop (a timer's timeout, a queued slot, a socket's readyRead, a click, a paint), less the time it
// was runnable but waiting for a CPU (ThreadSchedStat). Time spent blocked in a handler (waiting for a lock, a file,
// a sleep) counts; time asleep in the event loop does not, however late the kernel wakes the thread.
// So does time waiting for other threads, which under CPU load includes their own waits for a CPU: Qt's raster
// engine splits large fills over QGuiThreadPool's threads and waits for them on a semaphore (QHeaderView paints,
// through QRasterPaintEngine::drawLines), 25-50 ms of a paint with two CPU burners and an fsync'ing dd on two cores.
//
// A stretch starts when the outermost handler starts (QCoreApplication::notify at nesting depth 0; nested notify calls
// are sendEvent calls of that handler and part of its work) and ends when it returns. A handler that runs an event loop
// itself (QEventLoop::exec, QDialog::exec, processEvents) hands the thread back to a loop: the stretch ends when that
// loop takes over (the dispatcher's aboutToBlock or awake on the GUI thread); the handlers one turn of the nested loop
// runs are a stretch (it does not poll between them), and so is the handler's own code after the loop. The tests'
// waits run from the test body, outside any handler, so this only keeps a nested loop from counting as one long
// handler.
//
// The hooks are called by GuiTestApplication (the GUI test binary's QApplication); a meter where nothing calls them
// fails the test that made it rather than measure nothing. One meter at a time, made and read on the GUI thread.
class HandlerStallMeter
{
public:
    HandlerStallMeter();
    ~HandlerStallMeter();
    HandlerStallMeter(const HandlerStallMeter&) = delete;
    HandlerStallMeter& operator=(const HandlerStallMeter&) = delete;

    void reset();
    // The longest stretch in handlers, waits for a CPU taken out, and the handler it started in.
    qint64 longestMs() const { return m_longestNs / 1000000; }
    QString longestHandler() const { return m_longestHandler; }
    // How much of that stretch the thread ran on a CPU; the rest it was blocked (a lock, the disk, a sleep).
    qint64 longestOnCpuMs() const { return m_longestOnCpuNs / 1000000; }
    // The longest stretch in wall-clock time, waits for a CPU included.
    qint64 longestWallClockMs() const { return m_longestWallClockNs / 1000000; }
    // For information: the longest gap between ticks of a 10 ms timer (wall clock, and less the waits for a CPU).
    // Under load it also holds late wake-ups of an idle thread, which is why it is not what the tests bound.
    qint64 timerGapWallClockMs() const { return m_gapWallClockNs / 1000000; }
    qint64 timerGapMs() const { return m_gapNs / 1000000; }
    std::string summary() const;

    // GuiTestApplication's hooks, called on the GUI thread only.
    static void setObserved();
    static void handlerStarts(QObject* receiver, QEvent* event);
    static void handlerEnds();
    // An event loop on the GUI thread is about to wait for events (mayBlock) or has woken / is polling.
    static void eventLoopTakesOver(bool mayBlock);

private:
    static void endStretch();

    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastTickNs = 0;
    qint64 m_lastTickWaitNs = 0;
    qint64 m_gapNs = 0;
    qint64 m_gapWallClockNs = 0;
    qint64 m_longestNs = 0;
    qint64 m_longestWallClockNs = 0;
    qint64 m_longestOnCpuNs = 0;
    QString m_longestHandler;
};

} // namespace deepext::test_support
