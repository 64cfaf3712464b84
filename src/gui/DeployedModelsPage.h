#pragma once

#include <QString>
#include <QWidget>

#include <memory>

class QSortFilterProxyModel;

namespace Ui {
class DeployedModelsPage;
}

namespace deepext {
class DeploymentMaintenance;
}

namespace deepext::gui {

class AppContext;
class CoalescedLoader;
class DeploymentTableModel;

// Deployment records, newest first: name in Ollama, saved model, environment, quantization, status, time, and the
// selected record's details in a card pane below. Refresh asks each Ollama what it still has; Remove from Ollama
// deletes the model there (the record stays, marked removed); Evaluate… runs a prompt file against deployments side
// by side (EvaluateDialog). The selection is kept by deploy UUID across reloads; the registry is read and written
// only off the GUI thread. Column widths are remembered.
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
    void selectUuid(const QString& uuid);
    DeploymentTableModel* model() const { return m_model; }

signals:
    void loaded(int count);
    void maintenanceFinished(bool ok);

public slots:
    void refreshFromServers();
    void removeSelected();
    // Opens the Evaluate dialog with the selected deployment checked.
    void evaluate();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void updateButtons();
    void showDetails();
    // Sizes the columns to their contents the first time, fitting the table's width by eliding the long names.
    void fitColumns();
    QModelIndex currentSourceIndex() const;

    std::unique_ptr<Ui::DeployedModelsPage> m_ui;
    AppContext& m_context;
    DeploymentTableModel* m_model;
    QSortFilterProxyModel* m_proxy;
    CoalescedLoader* m_loader;
    DeploymentMaintenance* m_maintenance;
    bool m_busy = false;
    bool m_headerRestored = false;
    bool m_columnsFitted = false;
    int m_job = 0;
};

} // namespace deepext::gui
