#pragma once

#include "gui/SavedModelSummary.h"

#include <QSet>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QAction;
class QMenu;
class QSortFilterProxyModel;

namespace Ui {
class SavedModelsPage;
}

namespace deepext::gui {

class AppContext;
class CoalescedLoader;
class SavedModelListModel;

// The heart of the app: the saved models (newest first, filterable) and the selected one's model card, with
// Deploy, Delete, Verify, Export GGUF and Open Folder (buttons, and the list's context menu with Copy Name and Copy
// Path; Enter deploys). Everything that reads or changes the disk runs on the worker pool.
class SavedModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit SavedModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~SavedModelsPage() override;

    // Rescans saved_models/ in the background (coalesced: one scan at a time, one more queued at most).
    void reload();
    void focusFilter();
    // Selects the model now, or when a later scan brings it.
    void selectModel(const QString& name);
    QString currentName() const;
    QString currentPath() const;
    SavedModelListModel* model() const { return m_model; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }
    bool hasLoaded() const { return m_loads > 0; }

signals:
    void loaded(int count);
    void cardShown(const QString& name);
    void deleted(const QString& name);

public slots:
    void deleteSelected();
    void deploySelected();
    void verifySelected();
    void exportGgufSelected();
    void openFolder();
    void copyName();
    void copyPath();

private:
    void applyScan(std::vector<SavedModelSummary> models);
    // The confirmation, once the model's live deployments (`live`: "name on server" lines) are known.
    void confirmDelete(const QString& name, const QStringList& live);
    void onCurrentChanged();
    void showCard(const QString& name);
    void updateState();
    void createContextMenu();
    void showContextMenu(const QPoint& position);

    std::unique_ptr<Ui::SavedModelsPage> m_ui;
    AppContext& m_context;
    SavedModelListModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QString m_pendingSelection;
    QString m_askingDelete;   // a Delete whose confirmation is being prepared: one at a time
    QSet<QString> m_deleting; // removed from the list, removal still running: later scans must not bring them back
    CoalescedLoader* m_loader;
    int m_loads = 0;
    quint64 m_cardGeneration = 0;
    QString m_cardName;
    std::shared_ptr<std::atomic_bool> m_verifyCancel;
    int m_verifyJob = 0;
    QMenu* m_contextMenu = nullptr; // Deploy, Verify, Open Folder, Copy Name, Copy Path, Delete
    QAction* m_verifyContextAction = nullptr;
    QAction* m_copyNameContextAction = nullptr;
};

} // namespace deepext::gui
