#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace deepext {
class Workspace;
}

namespace deepext::gui {

// Follows the workspace when another process (the CLI) changes it: saved_models/ and the registry files. Registry
// files are replaced by rename, which drops them from the watch, so the root folder is watched too and the file
// paths are re-added after every change. Bursts are debounced into one signal.
class WorkspaceWatcher final : public QObject
{
    Q_OBJECT

public:
    WorkspaceWatcher(const Workspace& workspace, QObject* parent = nullptr);

    static constexpr int DebounceMs = 250;

signals:
    void savedModelsChanged();
    void registryChanged();

private:
    void rewatch();
    void onDirectoryChanged(const QString& path);

    QFileSystemWatcher m_watcher;
    QString m_savedModelsDir;
    QStringList m_registryFiles;
    QTimer m_savedTimer;
    QTimer m_registryTimer;
};

} // namespace deepext::gui
