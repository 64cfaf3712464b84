#pragma once

#include "deepext/base/Records.h"
#include "deepext/workflow/SaveTask.h"

#include <QHash>
#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

namespace Ui {
class TrainedModelsPage;
}

namespace deepext::gui {

class AppContext;

// Trained models (registered adapters): list, adapter and training facts, Add Trained Model, and Save, which runs
// a SaveTask on the window's worker pool with progress and Cancel.
class TrainedModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit TrainedModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~TrainedModelsPage() override;

    void reload();
    void selectModel(const QString& name);
    QString currentName() const;
    int modelCount() const;
    bool isSaving() const { return m_task != nullptr; }

signals:
    void loaded(int count);
    // Emitted on the GUI thread before the task is queued, so a caller can connect to it race-free.
    void saveTaskStarted(deepext::SaveTask* task);
    void saveSucceeded(const QString& savedName);
    void saveFinished(bool ok);

public slots:
    void saveSelected();
    void cancelSave();
    void addTrainedModel();

private:
    void applyRecords(std::vector<TrainedModelRecord> records);
    void showCard();
    void updateState();
    void endSave(const QString& status);

    std::unique_ptr<Ui::TrainedModelsPage> m_ui;
    AppContext& m_context;
    QHash<QString, TrainedModelRecord> m_records;
    QString m_pendingSelection;
    QPointer<SaveTask> m_task;
    QString m_savingName;
    quint64 m_cardGeneration = 0;
    bool m_loadRunning = false;
    bool m_reloadQueued = false;
    int m_job = 0;
};

} // namespace deepext::gui
