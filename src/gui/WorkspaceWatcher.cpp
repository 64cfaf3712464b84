#include "gui/WorkspaceWatcher.h"

#include "deepext/base/Workspace.h"

#include <QFileInfo>

namespace deepext::gui {

WorkspaceWatcher::WorkspaceWatcher(const Workspace& workspace, QObject* parent)
    : QObject(parent)
    , m_savedModelsDir(QString::fromStdString(workspace.savedModelsDir()))
{
    for (const std::string& file : {workspace.workspaceFile(), workspace.baseModelsFile(),
                                    workspace.trainedModelsFile(), workspace.deploymentsFile()}) {
        m_registryFiles << QString::fromStdString(file);
    }
    for (QTimer* timer : {&m_savedTimer, &m_registryTimer}) {
        timer->setSingleShot(true);
        timer->setInterval(DebounceMs);
    }
    connect(&m_savedTimer, &QTimer::timeout, this, &WorkspaceWatcher::savedModelsChanged);
    connect(&m_registryTimer, &QTimer::timeout, this, [this] {
        rewatch();
        emit registryChanged();
    });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &WorkspaceWatcher::onDirectoryChanged);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this] { m_registryTimer.start(); });
    m_watcher.addPath(QString::fromStdString(workspace.root()));
    m_watcher.addPath(m_savedModelsDir);
    rewatch();
}

void WorkspaceWatcher::rewatch()
{
    const QStringList watched = m_watcher.files();
    for (const QString& file : m_registryFiles) {
        if (!watched.contains(file) && QFileInfo::exists(file)) {
            m_watcher.addPath(file);
        }
    }
}

void WorkspaceWatcher::onDirectoryChanged(const QString& path)
{
    if (path == m_savedModelsDir) {
        m_savedTimer.start();
    } else {
        // The root changes when a registry file is replaced (or saved_models/ itself is recreated).
        if (!m_watcher.directories().contains(m_savedModelsDir) && QFileInfo::exists(m_savedModelsDir)) {
            m_watcher.addPath(m_savedModelsDir);
            m_savedTimer.start();
        }
        m_registryTimer.start();
    }
}

} // namespace deepext::gui
