#include "gui/AppContext.h"

#include "gui/DeployJobs.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/WorkspaceWatcher.h"

#include <QDesktopServices>
#include <QNetworkAccessManager>
#include <QUrl>

namespace deepext::gui {

AppContext::AppContext(Workspace workspace, IUserPrompts& prompts, QObject* parent)
    : QObject(parent)
    , m_workspace(std::move(workspace))
    , m_prompts(prompts)
    , m_runner(new JobRunner(JobRunner::Mode::Background, this))
    , m_network(new QNetworkAccessManager(this))
    , m_jobs(new JobTracker(this))
    , m_watcher(new WorkspaceWatcher(m_workspace, this))
    , m_deploys(new DeployJobs(*this, this))
    , m_folderOpener([](const QString& folder) { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); })
{
    // A callback that threw is an error the user sees, never the end of the process.
    connect(m_runner, &JobRunner::callbackFailed, this,
            [this](const QString& message, const QString& details) { m_prompts.showError(message, details); });
    connect(m_watcher, &WorkspaceWatcher::savedModelsChanged, this, &AppContext::savedModelsChanged);
    connect(m_watcher, &WorkspaceWatcher::registryChanged, this, &AppContext::registryChanged);
}

AppContext::~AppContext()
{
    // Background deploys go first: they end their lines in the job tracker, which is deleted before them otherwise.
    delete m_deploys;
    m_deploys = nullptr;
    shutdown();
}

void AppContext::openFolder(const QString& folder) const
{
    if (m_folderOpener) {
        m_folderOpener(folder);
    }
}

void AppContext::shutdown()
{
    emit aboutToShutdown();
    m_runner->waitForDone();
}

} // namespace deepext::gui
