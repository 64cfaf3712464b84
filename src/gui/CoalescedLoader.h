#pragma once

#include "gui/AppContext.h"

#include <QObject>

#include <functional>
#include <utility>

namespace deepext::gui {

// The reload of a page: one load at a time, the rest coalesced. A reload requested while one runs makes exactly one
// more run after it, however many requests came meanwhile (a burst of workspace changes costs two reads, not one
// per change). The load runs on the window's job runner, off the GUI thread; its outcome is applied on the GUI
// thread, and never after the owner is gone (the loader is its child).
class CoalescedLoader final : public QObject
{
    Q_OBJECT

public:
    CoalescedLoader(AppContext& context, QObject* owner);

    // `load()` runs on a worker thread and returns the data; `apply(JobOutcome<T>)` gets it on the GUI thread.
    template <typename Load, typename Apply>
    void setJob(Load load, Apply apply);

    // Starts a load now, or, while one runs, one more after it.
    void request();
    bool isRunning() const { return m_running; }
    int completedRuns() const { return m_completed; }

signals:
    // A run's outcome has been applied.
    void applied();

private:
    void onApplied();

    AppContext& m_context;
    std::function<void()> m_start;
    bool m_running = false;
    bool m_queued = false;
    int m_completed = 0;
};

template <typename Load, typename Apply>
void CoalescedLoader::setJob(Load load, Apply apply)
{
    m_start = [this, load = std::move(load), apply = std::move(apply)] {
        m_context.run(this, load, [this, apply](auto outcome) {
            // The next run starts before this outcome is applied, so an apply that throws cannot stall the loader.
            m_running = false;
            if (m_queued) {
                m_queued = false;
                request();
            }
            apply(std::move(outcome));
            onApplied();
        });
    };
}

} // namespace deepext::gui
