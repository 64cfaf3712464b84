#pragma once

#include "deepext/workflow/SaveTask.h"

#include <QPointer>
#include <QString>
#include <QWidget>

#include <memory>

namespace Ui {
class TrainedModelsPage;
}

namespace deepext::gui {

class AppContext;
class CoalescedLoader;
class TrainedModelListModel;

// Trained models (registered adapters): list, adapter and training facts, Add Trained Model (also by dropping an
// adapter folder on the page), and Save (also Enter on the list), which runs a SaveTask on the window's worker pool
// with progress and Cancel.
class TrainedModelsPage final : public QWidget
{
    Q_OBJECT

public:
    explicit TrainedModelsPage(AppContext& context, QWidget* parent = nullptr);
    ~TrainedModelsPage() override;

    // Rereads the registry in the background (coalesced); the selection is kept by name.
    void reload();
    // Selects the model now, or when a later reload brings it.
    void selectModel(const QString& name);
    QString currentName() const;
    int modelCount() const;
    bool isSaving() const { return m_task != nullptr; }
    TrainedModelListModel* model() const { return m_model; }

signals:
    void loaded(int count);
    // The card pane shows this model's card (or why it could not be read).
    void cardShown(const QString& name);
    // Emitted on the GUI thread before the task is queued, so a caller can connect to it race-free.
    void saveTaskStarted(deepext::SaveTask* task);
    void saveSucceeded(const QString& savedName);
    // The save succeeded but the merge warned (e.g. an adapter that changes nothing); shown to the user as well.
    void saveWarned(const QStringList& warnings);
    void saveFinished(bool ok);

public slots:
    void saveSelected();
    void cancelSave();
    // Opens Add Trained Model, with `folder` filled in when given.
    void addTrainedModel(const QString& folder = {});

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void showCard();
    void updateState();
    void endSave(const QString& status);

    std::unique_ptr<Ui::TrainedModelsPage> m_ui;
    AppContext& m_context;
    TrainedModelListModel* m_model;
    CoalescedLoader* m_loader;
    QString m_pendingSelection;
    QString m_cardName; // whose card the pane shows
    QPointer<SaveTask> m_task;
    QString m_savingName;
    quint64 m_cardGeneration = 0;
    int m_job = 0;
};

} // namespace deepext::gui
