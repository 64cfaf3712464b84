#include "gui/AppContext.h"

#include "gui/JobTracker.h"
#include "gui/WorkspaceWatcher.h"

#include <QNetworkAccessManager>
#include <QThread>

#include <algorithm>

namespace deepext::gui {

AppContext::AppContext(Workspace workspace, IUserPrompts& prompts, QObject* parent)
    : QObject(parent)
    , m_workspace(std::move(workspace))
    , m_prompts(prompts)
    , m_network(new QNetworkAccessManager(this))
    , m_jobs(new JobTracker(this))
    , m_watcher(new WorkspaceWatcher(m_workspace, this))
{
    // Jobs mostly wait on disk; enough workers that a running save never starves list loading.
    m_pool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
    connect(m_watcher, &WorkspaceWatcher::savedModelsChanged, this, &AppContext::savedModelsChanged);
    connect(m_watcher, &WorkspaceWatcher::registryChanged, this, &AppContext::registryChanged);
}

AppContext::~AppContext()
{
    shutdown();
}

void AppContext::post(const QPointer<QObject>& receiver, std::function<void()> call)
{
    QMetaObject::invokeMethod(
        this,
        [receiver, call = std::move(call)] {
            if (receiver) {
                call();
            }
        },
        Qt::QueuedConnection);
}

void AppContext::shutdown()
{
    emit aboutToShutdown();
    m_pool.waitForDone();
}

} // namespace deepext::gui
