#pragma once

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

class QNetworkAccessManager;

namespace deepext::gui {

class IUserPrompts;
class JobTracker;
class WorkspaceWatcher;

// Why a background job did not produce a value.
struct JobFailure
{
    QString message;
    QString details;
    bool cancelled = false;
};

template <typename T>
struct JobOutcome
{
    std::optional<T> value;
    JobFailure failure;
    bool ok() const { return value.has_value(); }
};

// What every page and dialog shares: the workspace, the worker pool (disk work never runs on the GUI thread), the
// one network manager (Ollama talk runs on the event loop), the prompts seam, the running jobs and the
// workspace watcher. The main window owns it; it outlives every job it starts.
class AppContext final : public QObject
{
    Q_OBJECT

public:
    AppContext(Workspace workspace, IUserPrompts& prompts, QObject* parent = nullptr);
    ~AppContext() override;

    const Workspace& workspace() const { return m_workspace; }
    IUserPrompts& prompts() const { return m_prompts; }
    QThreadPool* pool() { return &m_pool; }
    QNetworkAccessManager* network() const { return m_network; }
    JobTracker* jobs() const { return m_jobs; }
    WorkspaceWatcher* watcher() const { return m_watcher; }

    // Runs `work()` on the pool and then `done(JobOutcome)` on the GUI thread, unless `receiver` is gone by then.
    // deepext::Error and other exceptions thrown by `work` become the outcome's failure.
    template <typename Work, typename Done>
    void run(QObject* receiver, Work work, Done done);

    // Calls `call` on the GUI thread unless `receiver` is gone by then; safe from any thread. The QPointer must
    // have been made on the GUI thread (capture it before starting the work).
    void post(const QPointer<QObject>& receiver, std::function<void()> call);

    // Asks running jobs to stop (aboutToShutdown) and waits for the pool: nothing outlives the window.
    void shutdown();

signals:
    void aboutToShutdown();
    // Our own writes announce themselves at once instead of waiting for the file watcher's debounce.
    void savedModelsChanged();
    void registryChanged();
    // A save finished: the Saved Models page selects the new model.
    void savedModelPublished(const QString& name);

private:
    Workspace m_workspace;
    IUserPrompts& m_prompts;
    QThreadPool m_pool;
    QNetworkAccessManager* m_network;
    JobTracker* m_jobs;
    WorkspaceWatcher* m_watcher;
};

template <typename Work, typename Done>
void AppContext::run(QObject* receiver, Work work, Done done)
{
    using Raw = std::invoke_result_t<Work>;
    using Value = std::conditional_t<std::is_void_v<Raw>, std::monostate, Raw>;
    // Results are delivered through this context (alive until the pool is drained); the receiver is checked on
    // the GUI thread only, where it is deleted.
    QPointer<QObject> guard(receiver);
    m_pool.start([this, guard = std::move(guard), work = std::move(work), done = std::move(done)]() mutable {
        JobOutcome<Value> outcome;
        try {
            if constexpr (std::is_void_v<Raw>) {
                work();
                outcome.value = std::monostate{};
            } else {
                outcome.value = work();
            }
        } catch (const Error& error) {
            outcome.failure = {QString::fromStdString(error.message()), QString::fromStdString(error.details()),
                               error.isCancelled()};
        } catch (const std::exception& error) {
            outcome.failure = {QString::fromUtf8(error.what()), QString(), false};
        }
        QMetaObject::invokeMethod(
            this,
            [guard = std::move(guard), done = std::move(done), outcome = std::move(outcome)]() mutable {
                if (guard) {
                    done(std::move(outcome));
                }
            },
            Qt::QueuedConnection);
    });
}

} // namespace deepext::gui
