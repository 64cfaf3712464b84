#pragma once

#include "deepext/base/JobRunner.h"
#include "deepext/base/Workspace.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <functional>
#include <utility>

class QNetworkAccessManager;

namespace deepext::gui {

class DeployJobs;
class IUserPrompts;
class JobTracker;
class WorkspaceWatcher;

// What every page and dialog shares: the workspace, the job runner (disk work never runs on the GUI thread), the
// one network manager (Ollama talk runs on the event loop), the prompts seam, the running jobs, the background
// deploys and the workspace watcher. The main window owns it; it outlives every job it starts.
class AppContext final : public QObject
{
    Q_OBJECT

public:
    AppContext(Workspace workspace, IUserPrompts& prompts, QObject* parent = nullptr);
    ~AppContext() override;

    const Workspace& workspace() const { return m_workspace; }
    IUserPrompts& prompts() const { return m_prompts; }
    QThreadPool* pool() { return m_runner->pool(); }
    // The one guarded background-job helper of the window: pages, dialogs and the deploy operations use it.
    JobRunner* runner() const { return m_runner; }
    QNetworkAccessManager* network() const { return m_network; }
    JobTracker* jobs() const { return m_jobs; }
    WorkspaceWatcher* watcher() const { return m_watcher; }
    // The deploys running in the background (the deploy dialog starts them, the Deployed Models page shows them).
    DeployJobs* deploys() const { return m_deploys; }

    // Runs `work()` on the pool and then `done(JobOutcome)` on the GUI thread, unless `receiver` is gone by then
    // (JobRunner::run). What `work` throws becomes the outcome's failure; what `done` throws is shown as an error.
    template <typename Work, typename Done>
    void run(QObject* receiver, Work work, Done done)
    {
        m_runner->run(receiver, std::move(work), std::move(done));
    }

    // Calls `call` on the GUI thread unless `receiver` is gone by then; safe from any thread. The QPointer must
    // have been made on the GUI thread (capture it before starting the work).
    void post(const QPointer<QObject>& receiver, std::function<void()> call)
    {
        m_runner->post(receiver, std::move(call));
    }

    // Asks running jobs to stop (aboutToShutdown) and waits for the pool: nothing outlives the window.
    void shutdown();

    // Opens a folder in the user's file manager. Every Open Folder of the window goes through here, so a test can
    // record what would have been opened instead of starting a file manager.
    using FolderOpener = std::function<void(const QString& folder)>;
    void setFolderOpener(FolderOpener opener) { m_folderOpener = std::move(opener); }
    void openFolder(const QString& folder) const;

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
    JobRunner* m_runner;
    QNetworkAccessManager* m_network;
    JobTracker* m_jobs;
    WorkspaceWatcher* m_watcher;
    DeployJobs* m_deploys;
    FolderOpener m_folderOpener;
};

} // namespace deepext::gui
