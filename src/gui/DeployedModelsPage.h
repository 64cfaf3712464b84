#pragma once

#include <QString>
#include <QWidget>

#include <memory>

class QAction;
class QMenu;
class QPoint;
class QTimer;

namespace Ui {
class DeployedModelsPage;
}

namespace deepext {
class DeploymentMaintenance;
}

namespace deepext::gui {

class AppContext;
class CoalescedLoader;
class DeployJob;
class DeploymentFilterProxy;
class DeploymentTableModel;

// Deployment records, newest first: name in Ollama, saved model, environment, quantization, status, time, check, and
// the selected record's details in a card pane below. By default the live deployments, their presence asked of each
// server when the page shows and every minute while it does (nothing written); History shows every attempt and
// can be cleared; a filter box and sortable columns. Refresh asks each Ollama what it still has and records it;
// Remove from Ollama deletes the model there (the record stays, marked removed); Try… opens a chat with a deployed
// one; Evaluate… runs a prompt file against deployments side by side (EvaluateDialog). A deploy running in the
// background shows its phase, bytes and speed on its row, where it can be cancelled or its dialog opened again. The
// selection is kept by deploy UUID across reloads; the registry is read and written only off the GUI thread. Column
// widths are remembered.
class DeployedModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit DeployedModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~DeployedModelsPage() override;

    // Rereads the records in the background (coalesced).
    void reload();
    int recordCount() const;
    QString currentOllamaName() const;
    QString currentUuid() const;
    void selectOllamaName(const QString& name);
    // Selects the record, switching to History when the live view hides it.
    void selectUuid(const QString& uuid);
    // Rows the table shows (the live view or History, narrowed by the filter).
    int visibleCount() const;
    void setShowHistory(bool history);
    DeploymentTableModel* model() const { return m_model; }

signals:
    void loaded(int count);
    void maintenanceFinished(bool ok);
    void presenceChecked();
    void historyCleared(int removed);

public slots:
    void refreshFromServers();
    void removeSelected();
    void clearHistory();
    // Asks each server which models it has, quietly (problems go to the status line), unless a check is running.
    void checkPresence();
    // Opens a Try dialog (non-modal) for the selected record when it is deployed.
    void trySelected();
    // Opens the Evaluate dialog with the selected deployment checked.
    void evaluate();
    // For a deploy running in the background: its deploy dialog, or cancel it.
    void showProgressOfSelected();
    void cancelSelectedDeploy();

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void updateButtons();
    void createContextMenu();
    void showContextMenu(const QPoint& position);
    void copyName();
    void updateHistoryCount();
    void selectProxyRowOf(int sourceRow);
    void showDetails();
    // Sizes the columns to their contents the first time, fitting the table's width by eliding the long names.
    void fitColumns();
    QModelIndex currentSourceIndex() const;
    DeployJob* selectedJob() const;
    bool currentIsDeployed() const;

    std::unique_ptr<Ui::DeployedModelsPage> m_ui;
    AppContext& m_context;
    DeploymentTableModel* m_model;
    DeploymentFilterProxy* m_proxy;
    CoalescedLoader* m_loader;
    DeploymentMaintenance* m_maintenance;
    DeploymentMaintenance* m_presence; // its own instance: a quiet check never mixes with the user's Refresh
    QTimer* m_presenceTimer;
    QMenu* m_contextMenu = nullptr; // Try, Evaluate, Copy Name, Remove from Ollama
    // The menu's actions that follow a button's enabled state.
    QAction* m_tryAction = nullptr;
    QAction* m_evaluateAction = nullptr;
    QAction* m_removeAction = nullptr;
    QAction* m_showProgressAction = nullptr;
    QAction* m_cancelDeployAction = nullptr;
    bool m_checkingPresence = false;
    bool m_presenceChecked = false;
    bool m_busy = false;
    bool m_headerRestored = false;
    bool m_columnsFitted = false;
    int m_job = 0;
};

} // namespace deepext::gui
