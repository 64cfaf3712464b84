#pragma once

#include "deepext/base/Records.h"

#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

namespace Ui {
class DeployedModelsPage;
}

namespace deepext {
class DeploymentMaintenance;
}

namespace deepext::gui {

class AppContext;

// Deployment records: name in Ollama, saved model, environment, quantization, status, time. Refresh asks each
// Ollama what it still has; Remove from Ollama deletes the model there (the record stays, marked removed).
class DeployedModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit DeployedModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~DeployedModelsPage() override;

    void reload();
    int recordCount() const;
    QString currentOllamaName() const;
    void selectOllamaName(const QString& name);

signals:
    void loaded(int count);
    void maintenanceFinished(bool ok);

public slots:
    void refreshFromServers();
    void removeSelected();

private:
    void applyRecords(std::vector<DeploymentRecord> records);
    void updateButtons();

    std::unique_ptr<Ui::DeployedModelsPage> m_ui;
    AppContext& m_context;
    DeploymentMaintenance* m_maintenance;
    bool m_busy = false;
    bool m_loadRunning = false;
    bool m_reloadQueued = false;
    int m_job = 0;
};

} // namespace deepext::gui
