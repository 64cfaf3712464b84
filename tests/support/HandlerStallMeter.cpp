#include "HandlerStallMeter.h"

#include "ThreadSchedStat.h"

#include <QEvent>
#include <QMetaEnum>
#include <QObject>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>
#include <utility>

namespace deepext::test_support {

namespace {

using Clock = std::chrono::steady_clock;

// Below this a stretch cannot matter to any bound, so the second schedstat read (its end) is skipped.
constexpr qint64 SchedStatReadAfterNs = 1000000;

// An event handler as the stretches name it: kept raw, formatted only for a new longest.
struct Handler
{
    const char* className = nullptr;
    QString objectName;
    int eventType = 0;
};

// What the GUI thread is doing, as the hooks see it; touched on the GUI thread only.
struct GuiThread
{
    std::thread::id id;
    bool observed = false;
    HandlerStallMeter* meter = nullptr;
    int depth = 0;
    // The open stretch, if any: since when, the run-queue delay then, and the handler it is about.
    bool open = false;
    Clock::time_point start;
    ThreadSchedStat::Times timesAtStart;
    bool described = false;
    Handler handler;
    // A turn of an event loop nested in a handler runs every event that is ready before it polls again, so one
    // stretch may hold several handlers at the depth of its first: how many more there were.
    int handlerDepth = 0;
    int followers = 0;
    // The outermost handler, which names the stretches of its own code after an event loop nested in it.
    Handler outermost;
};

GuiThread& gui()
{
    static GuiThread state;
    return state;
}

// Made on first use, which is on the GUI thread (setObserved, called by the application's constructor).
const ThreadSchedStat& guiSchedStat()
{
    static const ThreadSchedStat schedStat;
    return schedStat;
}

Handler handlerOf(QObject* receiver, QEvent* event)
{
    return {receiver->metaObject()->className(), receiver->objectName(), static_cast<int>(event->type())};
}

QString describe(const Handler& handler)
{
    const char* type = QMetaEnum::fromType<QEvent::Type>().valueToKey(handler.eventType);
    return QStringLiteral("%1%2 handling %3")
        .arg(QLatin1String(handler.className),
             handler.objectName.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(handler.objectName),
             type ? QString::fromLatin1(type) : QString::number(handler.eventType));
}

QString describeStretch(const GuiThread& state)
{
    if (!state.described) {
        return QStringLiteral("code after an event loop nested in ") + describe(state.outermost);
    }
    if (state.followers == 0) {
        return describe(state.handler);
    }
    return describe(state.handler) +
           QStringLiteral(" and %1 more handlers in one turn of an event loop nested in ").arg(state.followers) +
           describe(state.outermost);
}

void openStretch(GuiThread& state)
{
    state.open = true;
    state.described = false;
    state.start = Clock::now();
    state.timesAtStart = guiSchedStat().read();
}

} // namespace

HandlerStallMeter::HandlerStallMeter()
{
    GuiThread& state = gui();
    EXPECT_TRUE(state.observed) << "no GuiTestApplication reports the event handlers: this meter would see none";
    EXPECT_EQ(std::this_thread::get_id(), state.id) << "the meter belongs to the GUI thread";
    EXPECT_EQ(state.meter, nullptr) << "one HandlerStallMeter at a time";
    state.meter = this;
    QObject::connect(&m_timer, &QTimer::timeout, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        const qint64 wait = guiSchedStat().read().waitingNs;
        m_gapWallClockNs = std::max(m_gapWallClockNs, now - m_lastTickNs);
        m_gapNs = std::max(m_gapNs, now - m_lastTickNs - (wait - m_lastTickWaitNs));
        m_lastTickNs = now;
        m_lastTickWaitNs = wait;
    });
    reset();
    m_timer.start(10);
}

HandlerStallMeter::~HandlerStallMeter()
{
    GuiThread& state = gui();
    if (state.meter == this) {
        state.meter = nullptr;
    }
}

void HandlerStallMeter::reset()
{
    m_clock.start();
    m_lastTickNs = 0;
    m_lastTickWaitNs = guiSchedStat().read().waitingNs;
    m_gapNs = 0;
    m_gapWallClockNs = 0;
    m_longestNs = 0;
    m_longestWallClockNs = 0;
    m_longestOnCpuNs = 0;
    m_longestHandler.clear();
}

std::string HandlerStallMeter::summary() const
{
    std::ostringstream out;
    out << "longest stretch in event handlers: " << longestMs() << " ms (" << longestOnCpuMs()
        << " ms of it on a CPU, the rest blocked), in "
        << (m_longestHandler.isEmpty() ? std::string("none") : m_longestHandler.toStdString())
        << "; longest in wall-clock time, waits for a CPU included: " << longestWallClockMs()
        << " ms; longest gap between 10 ms timer ticks: " << timerGapMs() << " ms (" << timerGapWallClockMs()
        << " ms of wall-clock time)";
    return out.str();
}

void HandlerStallMeter::setObserved()
{
    GuiThread& state = gui();
    state.observed = true;
    state.id = std::this_thread::get_id();
    guiSchedStat();
}

void HandlerStallMeter::handlerStarts(QObject* receiver, QEvent* event)
{
    GuiThread& state = gui();
    if (state.meter) {
        if (!state.open) {
            openStretch(state);
        }
        if (!state.described || state.depth == 0) {
            Handler handler = handlerOf(receiver, event);
            if (state.depth == 0) {
                state.outermost = handler;
            }
            if (!state.described) {
                state.described = true;
                state.handler = std::move(handler);
                state.handlerDepth = state.depth;
                state.followers = 0;
            }
        } else if (state.depth == state.handlerDepth) {
            ++state.followers;
        }
    }
    ++state.depth;
}

void HandlerStallMeter::handlerEnds()
{
    GuiThread& state = gui();
    --state.depth;
    if (state.depth == 0) {
        endStretch();
    }
}

void HandlerStallMeter::eventLoopTakesOver(bool mayBlock)
{
    GuiThread& state = gui();
    if (state.depth == 0) {
        return; // the loops the tests wait in: no handler is running
    }
    endStretch();
    // A loop that polls or has woken runs the handler's code next, or dispatches: a new stretch. One about to wait
    // does not: the wait is the window free, and whatever it dispatches opens its own.
    if (!mayBlock && state.meter) {
        openStretch(state);
    }
}

void HandlerStallMeter::endStretch()
{
    GuiThread& state = gui();
    if (!state.open) {
        return;
    }
    state.open = false;
    HandlerStallMeter* meter = state.meter;
    if (!meter) {
        return;
    }
    const qint64 wallClockNs = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - state.start).count();
    ThreadSchedStat::Times spent;
    if (wallClockNs >= SchedStatReadAfterNs) {
        const ThreadSchedStat::Times now = guiSchedStat().read();
        spent = {now.onCpuNs - state.timesAtStart.onCpuNs, now.waitingNs - state.timesAtStart.waitingNs};
    } else {
        spent.onCpuNs = wallClockNs;
    }
    const qint64 busyNs = wallClockNs - spent.waitingNs;
    meter->m_longestWallClockNs = std::max(meter->m_longestWallClockNs, wallClockNs);
    if (busyNs > meter->m_longestNs) {
        meter->m_longestNs = busyNs;
        meter->m_longestOnCpuNs = spent.onCpuNs;
        meter->m_longestHandler = describeStretch(state);
    }
}

} // namespace deepext::test_support
