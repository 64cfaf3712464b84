#include "gui/TrainedModelsPage.h"

#include "ui_TrainedModelsPage.h"

#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCardRenderer.h"
#include "deepext/workflow/SaveTask.h"
#include "gui/AddTrainedModelDialog.h"
#include "gui/AppContext.h"
#include "gui/CardPane.h"
#include "gui/CoalescedLoader.h"
#include "gui/FolderDrop.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/LayoutMemory.h"
#include "gui/TrainedModelListModel.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLocale>
#include <QThread>

#include <array>

namespace deepext::gui {

TrainedModelsPage::TrainedModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::TrainedModelsPage>())
    , m_context(context)
    , m_model(new TrainedModelListModel(this))
    , m_loader(new CoalescedLoader(context, this))
{
    m_ui->setupUi(this);
    m_ui->trainedModelsListView->setModel(m_model);
    m_ui->trainedModelsSplitter->setStretchFactor(0, 2);
    m_ui->trainedModelsSplitter->setStretchFactor(1, 3);
    if (!LayoutMemory::keep(m_ui->trainedModelsSplitter, QStringLiteral("TrainedModelsPage/splitter"))) {
        m_ui->trainedModelsSplitter->setSizes({340, 660}); // in proportion: the card gets the room
    }
    m_ui->trainedCardPane->setFolderOpener([this](const QString& folder) { m_context.openFolder(folder); });
    // An adapter folder dropped anywhere on the page opens Add Trained Model with it.
    setAcceptDrops(true);
    m_ui->saveProgressBar->hide();
    m_ui->cancelSaveButton->hide();
    connect(m_ui->trainedModelsListView->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateState();
        showCard();
    });
    connect(m_ui->saveButton, &QPushButton::clicked, this, &TrainedModelsPage::saveSelected);
    connect(m_ui->cancelSaveButton, &QPushButton::clicked, this, &TrainedModelsPage::cancelSave);
    connect(m_ui->addTrainedModelButton, &QPushButton::clicked, this, [this] { addTrainedModel(); });
    // Enter (or a double click) on a trained model saves it, after the usual confirmation.
    connect(m_ui->trainedModelsListView, &QListView::activated, this, &TrainedModelsPage::saveSelected);
    connect(&m_context, &AppContext::registryChanged, this, &TrainedModelsPage::reload);
    connect(&m_context, &AppContext::aboutToShutdown, this, &TrainedModelsPage::cancelSave);
    m_loader->setJob([workspace = m_context.workspace()] { return workspace.trainedModels(); },
                     [this](JobOutcome<std::vector<TrainedModelRecord>> outcome) {
                         if (!outcome.ok()) {
                             m_context.prompts().showError(
                                 tr("The trained models could not be read: %1").arg(outcome.failure.message),
                                 outcome.failure.details);
                             return;
                         }
                         m_model->setRows(std::move(*outcome.value));
                         if (m_model->rowOf(m_pendingSelection) >= 0) {
                             selectModel(m_pendingSelection);
                         } else if (!m_ui->trainedModelsListView->currentIndex().isValid() && m_model->rowCount() > 0) {
                             m_ui->trainedModelsListView->setCurrentIndex(m_model->index(0, 0));
                         }
                         updateState();
                         showCard();
                         emit loaded(m_model->rowCount());
                     });
    updateState();
    reload();
}

TrainedModelsPage::~TrainedModelsPage()
{
    cancelSave();
    if (m_job) {
        m_context.jobs()->end(m_job);
    }
}

void TrainedModelsPage::reload()
{
    m_loader->request();
}

void TrainedModelsPage::selectModel(const QString& name)
{
    const int row = m_model->rowOf(name);
    if (row < 0) {
        m_pendingSelection = name;
        return;
    }
    m_pendingSelection.clear();
    m_ui->trainedModelsListView->setCurrentIndex(m_model->index(row, 0));
}

QString TrainedModelsPage::currentName() const
{
    return m_ui->trainedModelsListView->currentIndex().data(TrainedModelListModel::NameRole).toString();
}

int TrainedModelsPage::modelCount() const
{
    return m_model->rowCount();
}

void TrainedModelsPage::showCard()
{
    const QString name = currentName();
    const TrainedModelRecord* record = m_model->find(name);
    if (!record) {
        ++m_cardGeneration;
        m_cardName.clear();
        m_ui->trainedCardPane->clear();
        return;
    }
    if (name == m_cardName) {
        return; // a reload that kept the selection: the adapter folder is read when the selection changes
    }
    m_cardName = name;
    const quint64 generation = ++m_cardGeneration;
    // The adapter and training facts are read from the adapter folder: a job, never the GUI thread.
    m_context.run(
        this,
        [record = *record] { return ModelCardRenderer::trainedModelDocument(record, TrainedModelFacts::read(record)); },
        [this, generation, name](JobOutcome<carddoc::Document> outcome) {
            if (generation != m_cardGeneration) {
                return;
            }
            if (outcome.ok()) {
                m_ui->trainedCardPane->showDocument(*outcome.value);
            } else {
                m_ui->trainedCardPane->showProblem(name, outcome.failure.message);
            }
            emit cardShown(name);
        });
}

void TrainedModelsPage::saveSelected()
{
    const QString name = currentName();
    if (name.isEmpty() || m_task) {
        return;
    }
    const TrainedModelRecord record = *m_model->find(name);
    const QString question =
        tr("Save the trained model \"%1\"?\n\nThe adapter is merged into the base model \"%2\" and kept as a new "
           "saved model in the workspace.")
            .arg(name, QString::fromStdString(record.baseTechnicalName));
    const QString parameters = tr("Threads: all %1 cores\n"
                                  "Adapter: %2\n"
                                  "Destination: %3/<name>_s_<4 hex>")
                                   .arg(QThread::idealThreadCount())
                                   .arg(QString::fromStdString(record.adapterPath),
                                        QString::fromStdString(m_context.workspace().savedModelsDir()));
    // The same choices as the CLI's `save --dtype`.
    const std::array dtypes{OutputDtype::Auto, OutputDtype::BF16, OutputDtype::F16, OutputDtype::F32};
    const QStringList dtypeTexts{tr("auto (every tensor keeps its dtype)"), tr("bf16"), tr("fp16"), tr("fp32")};
    const int chosen =
        m_context.prompts().confirmWithOption(tr("Save Trained Model"), question + QStringLiteral("\n\n") + parameters,
                                              tr("Output dtype:"), dtypeTexts, 0, tr("Save"));
    if (chosen < 0 || chosen >= static_cast<int>(dtypes.size())) {
        return;
    }
    const OutputDtype dtype = dtypes[static_cast<std::size_t>(chosen)];
    logging::ui()->info("saving trained model {} ({})", name.toStdString(), outputDtypeName(dtype));
    // No parent: the task is deleted from the pool once run() has returned, never while it runs.
    auto* task = new SaveTask(m_context.workspace(), name, dtype);
    task->setAutoDelete(false);
    m_task = task;
    m_savingName = name;
    m_job = m_context.jobs()->begin(tr("Saving %1").arg(name), [this] { cancelSave(); });
    m_ui->saveProgressBar->setRange(0, 0);
    m_ui->saveProgressBar->show();
    m_ui->cancelSaveButton->show();
    m_ui->saveStatusLabel->setText(tr("Starting…"));

    connect(task, &SaveTask::progressChanged, this, [this](qint64 done, qint64 total, const QString& phase) {
        if (total > 0) {
            m_ui->saveProgressBar->setRange(0, 1000);
            m_ui->saveProgressBar->setValue(static_cast<int>(done * 1000 / total));
        }
        const QString text =
            tr("%1: %2 of %3").arg(phase, QLocale().formattedDataSize(done), QLocale().formattedDataSize(total));
        m_ui->saveStatusLabel->setText(text);
        m_context.jobs()->update(m_job, tr("Saving %1 · %2").arg(m_savingName, phase));
    });
    connect(task, &SaveTask::succeeded, this, [this](const QString& savedName, const QStringList& warnings) {
        endSave(
            warnings.isEmpty()
                ? tr("Saved as %1.").arg(savedName)
                : tr("Saved as %1, with %n warning(s).", nullptr, static_cast<int>(warnings.size())).arg(savedName));
        emit m_context.savedModelsChanged();
        emit m_context.savedModelPublished(savedName);
        emit saveSucceeded(savedName);
        if (!warnings.isEmpty()) {
            // Saved, but the user must know (an adapter that changes nothing is a copy of the base).
            m_context.prompts().showWarning(
                tr("%1 was saved as %2, but the merge warned: %3").arg(m_savingName, savedName, warnings.first()),
                warnings.join(QLatin1Char('\n')));
            emit saveWarned(warnings);
        }
        emit saveFinished(true);
    });
    connect(task, &SaveTask::failed, this, [this](const QString& message, const QString& details) {
        endSave(tr("Save failed: %1").arg(message));
        m_context.prompts().showError(tr("%1 could not be saved: %2").arg(m_savingName, message), details);
        emit saveFinished(false);
    });
    connect(task, &SaveTask::cancelled, this, [this] {
        endSave(tr("Save cancelled; nothing was kept."));
        emit saveFinished(false);
    });
    updateState();
    emit saveTaskStarted(task);
    m_context.pool()->start([task] {
        task->run();
        task->deleteLater();
    });
}

void TrainedModelsPage::cancelSave()
{
    if (m_task) {
        m_task->requestCancel();
        m_ui->saveStatusLabel->setText(tr("Cancelling…"));
    }
}

void TrainedModelsPage::endSave(const QString& status)
{
    m_task = nullptr;
    m_context.jobs()->end(m_job);
    m_job = 0;
    m_ui->saveProgressBar->hide();
    m_ui->cancelSaveButton->hide();
    m_ui->saveStatusLabel->setText(status);
    updateState();
}

void TrainedModelsPage::addTrainedModel(const QString& folder)
{
    auto* dialog = new AddTrainedModelDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!folder.isEmpty()) {
        dialog->setFolder(folder);
    }
    connect(dialog, &AddTrainedModelDialog::added, this, [this](const QString& name) {
        selectModel(name);
        reload();
    });
    dialog->open();
}

void TrainedModelsPage::dragEnterEvent(QDragEnterEvent* event)
{
    if (FolderDrop::offersUrls(event->mimeData())) {
        event->acceptProposedAction();
    }
}

void TrainedModelsPage::dropEvent(QDropEvent* event)
{
    event->acceptProposedAction();
    FolderDrop::resolve(m_context, this, event->mimeData(), tr("adapter"),
                        tr("adapter_config.json and adapter_model.safetensors"),
                        [this](const QString& folder) { addTrainedModel(folder); });
}

void TrainedModelsPage::updateState()
{
    const bool saving = m_task != nullptr;
    m_ui->saveButton->setEnabled(!currentName().isEmpty() && !saving);
}

} // namespace deepext::gui
