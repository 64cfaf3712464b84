#include "gui/SavedModelsPage.h"

#include "ui_SavedModelsPage.h"

#include "deepext/base/Logging.h"
#include "deepext/base/Records.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/workflow/SavedModelOperations.h"
#include "gui/AppContext.h"
#include "gui/CardPane.h"
#include "gui/CoalescedLoader.h"
#include "gui/DeployDialog.h"
#include "gui/ExportGgufDialog.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/LayoutMemory.h"
#include "gui/SavedModelDelegate.h"
#include "gui/SavedModelListModel.h"
#include "gui/SavedModelScanner.h"

#include <QApplication>
#include <QClipboard>
#include <QItemSelectionModel>
#include <QMenu>
#include <QSortFilterProxyModel>

namespace deepext::gui {

SavedModelsPage::SavedModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::SavedModelsPage>())
    , m_context(context)
    , m_model(new SavedModelListModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_loader(new CoalescedLoader(context, this))
{
    m_ui->setupUi(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(SavedModelListModel::SearchTextRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(SavedModelListModel::CreatedAtRole);
    m_proxy->setDynamicSortFilter(true);
    m_proxy->sort(0, Qt::DescendingOrder);
    m_ui->savedModelsListView->setModel(m_proxy);
    m_ui->savedModelsListView->setItemDelegate(new SavedModelDelegate(m_ui->savedModelsListView));
    m_ui->savedModelsSplitter->setStretchFactor(0, 2);
    m_ui->savedModelsSplitter->setStretchFactor(1, 3);
    if (!LayoutMemory::keep(m_ui->savedModelsSplitter, QStringLiteral("SavedModelsPage/splitter"))) {
        m_ui->savedModelsSplitter->setSizes({400, 600}); // in proportion: the card gets the room
    }
    m_ui->verifyProgressBar->hide();
    m_ui->cancelVerifyButton->hide();
    m_ui->cardPane->setFolderOpener([this](const QString& folder) { m_context.openFolder(folder); });
    createContextMenu();

    connect(m_ui->filterLineEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterFixedString(text);
        updateState();
    });
    connect(m_ui->savedModelsListView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SavedModelsPage::onCurrentChanged);
    connect(m_ui->deployButton, &QPushButton::clicked, this, &SavedModelsPage::deploySelected);
    connect(m_ui->deleteButton, &QPushButton::clicked, this, &SavedModelsPage::deleteSelected);
    connect(m_ui->verifyButton, &QPushButton::clicked, this, &SavedModelsPage::verifySelected);
    connect(m_ui->exportGgufButton, &QPushButton::clicked, this, &SavedModelsPage::exportGgufSelected);
    connect(m_ui->openFolderButton, &QPushButton::clicked, this, &SavedModelsPage::openFolder);
    // Enter (or a double click) on a model deploys it; Delete is the window's Delete action.
    connect(m_ui->savedModelsListView, &QListView::activated, this, &SavedModelsPage::deploySelected);
    connect(m_ui->savedModelsListView, &QWidget::customContextMenuRequested, this, &SavedModelsPage::showContextMenu);
    connect(m_ui->cancelVerifyButton, &QPushButton::clicked, this, [this] {
        if (m_verifyCancel) {
            m_verifyCancel->store(true);
        }
    });
    connect(&m_context, &AppContext::savedModelsChanged, this, &SavedModelsPage::reload);
    // The card lists this model's deployments, which live in the registry.
    connect(&m_context, &AppContext::registryChanged, this, [this] {
        if (!m_cardName.isEmpty()) {
            showCard(m_cardName);
        }
    });
    connect(&m_context, &AppContext::savedModelPublished, this, [this](const QString& name) {
        selectModel(name);
        reload();
    });
    connect(&m_context, &AppContext::aboutToShutdown, this, [this] {
        if (m_verifyCancel) {
            m_verifyCancel->store(true);
        }
    });
    m_loader->setJob([workspace = m_context.workspace()] { return SavedModelScanner::scan(workspace); },
                     [this](JobOutcome<std::vector<SavedModelSummary>> outcome) {
                         if (outcome.ok()) {
                             applyScan(std::move(*outcome.value));
                         } else {
                             m_context.prompts().showError(
                                 tr("The saved models could not be listed: %1").arg(outcome.failure.message),
                                 outcome.failure.details);
                         }
                     });
    updateState();
    reload();
}

SavedModelsPage::~SavedModelsPage() = default;

void SavedModelsPage::reload()
{
    m_loader->request();
}

void SavedModelsPage::applyScan(std::vector<SavedModelSummary> models)
{
    if (!m_deleting.isEmpty()) {
        std::erase_if(models, [this](const SavedModelSummary& model) { return m_deleting.contains(model.name); });
    }
    const int count = static_cast<int>(models.size());
    m_model->setModels(std::move(models));
    ++m_loads;
    if (!m_pendingSelection.isEmpty() && m_model->rowOf(m_pendingSelection) >= 0) {
        selectModel(m_pendingSelection);
    } else if (!m_ui->savedModelsListView->currentIndex().isValid() && m_proxy->rowCount() > 0) {
        // Show the newest card rather than an empty pane.
        m_ui->savedModelsListView->setCurrentIndex(m_proxy->index(0, 0));
    }
    updateState();
    emit loaded(count);
}

void SavedModelsPage::focusFilter()
{
    m_ui->filterLineEdit->setFocus(Qt::ShortcutFocusReason);
    m_ui->filterLineEdit->selectAll();
}

void SavedModelsPage::selectModel(const QString& name)
{
    const int row = m_model->rowOf(name);
    if (row < 0) {
        m_pendingSelection = name;
        return;
    }
    m_pendingSelection.clear();
    QModelIndex index = m_proxy->mapFromSource(m_model->index(row));
    if (!index.isValid()) {
        // Hidden by the filter: the user asked for this model, so show it.
        m_ui->filterLineEdit->clear();
        index = m_proxy->mapFromSource(m_model->index(row));
    }
    m_ui->savedModelsListView->setCurrentIndex(index);
    m_ui->savedModelsListView->scrollTo(index);
}

QString SavedModelsPage::currentName() const
{
    const QModelIndex index = m_ui->savedModelsListView->currentIndex();
    return index.isValid() ? index.data(SavedModelListModel::NameRole).toString() : QString();
}

void SavedModelsPage::onCurrentChanged()
{
    const QString name = currentName();
    updateState();
    if (name.isEmpty()) {
        m_cardName.clear();
        ++m_cardGeneration;
        m_ui->cardPane->clear();
        return;
    }
    if (name != m_cardName) {
        showCard(name);
    }
}

void SavedModelsPage::showCard(const QString& name)
{
    m_cardName = name;
    const quint64 generation = ++m_cardGeneration;
    m_context.run(
        this,
        [workspace = m_context.workspace(), name] {
            return SavedModelOperations::cardDocument(workspace, name.toStdString());
        },
        [this, generation, name](JobOutcome<carddoc::Document> outcome) {
            if (generation != m_cardGeneration) {
                return; // the user has moved on
            }
            if (outcome.ok()) {
                m_ui->cardPane->showDocument(*outcome.value);
            } else {
                m_ui->cardPane->showProblem(name, tr("The model card of %1 cannot be read.\n\n%2\n\nVerify the model, "
                                                     "or delete it and save the trained model again.")
                                                      .arg(name, outcome.failure.message));
            }
            emit cardShown(name);
        });
}

void SavedModelsPage::deploySelected()
{
    const QString name = currentName();
    if (name.isEmpty()) {
        return;
    }
    // Not modal: a deploy runs in the background and the window stays usable. A dialog already open for this saved
    // model comes to the front instead of a second one.
    for (DeployDialog* open : findChildren<DeployDialog*>()) {
        if (open->savedName() == name && open->isVisible()) {
            open->raise();
            open->activateWindow();
            return;
        }
    }
    auto* dialog = new DeployDialog(m_context, name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void SavedModelsPage::exportGgufSelected()
{
    const QString name = currentName();
    if (name.isEmpty()) {
        return;
    }
    auto* dialog = new ExportGgufDialog(m_context, name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void SavedModelsPage::deleteSelected()
{
    const QString name = currentName();
    if (!m_model->summary(name) || !m_askingDelete.isEmpty()) {
        return;
    }
    // The deployment records are read off the GUI thread; the question waits for them.
    m_askingDelete = name;
    m_context.run(
        this,
        [workspace = m_context.workspace(), saved = name.toStdString()] {
            QStringList live;
            for (const DeploymentRecord& record : workspace.deployments()) {
                if (record.savedModel == saved && record.status == DeploymentStatus::Deployed &&
                    record.presentOnServer) {
                    live << QStringLiteral("%1 on %2")
                                .arg(QString::fromStdString(record.ollamaName),
                                     ollama::OllamaHost::display(record.url));
                }
            }
            return live;
        },
        [this, name](JobOutcome<QStringList> outcome) {
            m_askingDelete.clear();
            // Unreadable records must not block a delete: the question then says nothing about deployments.
            confirmDelete(name, outcome.ok() ? *outcome.value : QStringList());
        });
}

void SavedModelsPage::confirmDelete(const QString& name, const QStringList& live)
{
    const SavedModelSummary* summary = m_model->summary(name);
    if (!summary) {
        return; // gone meanwhile
    }
    QString question =
        tr("Permanently delete the saved model \"%1\" (%2)?\n\nIts folder %3 and everything in it will be removed. "
           "Deployments are unaffected: models already created in Ollama and their records stay.")
            .arg(name, SavedModelListModel::formatSize(summary->size), summary->path);
    if (!live.isEmpty()) {
        question += QStringLiteral("\n\n") +
                    tr("%1 has %n live deployment(s): %2. They stay on their servers and keep working; only the saved "
                       "model they came from goes.",
                       nullptr, static_cast<int>(live.size()))
                        .arg(name, live.join(QStringLiteral(", ")));
    }
    if (!m_context.prompts().confirm(tr("Delete Saved Model"), question, {}, tr("Delete"))) {
        return;
    }
    logging::ui()->info("deleting saved model {}", name.toStdString());
    m_deleting.insert(name);
    m_model->removeModel(name);
    const int job = m_context.jobs()->begin(tr("Deleting %1").arg(name));
    m_context.run(
        this,
        [workspace = m_context.workspace(), name] { SavedModelOperations::remove(workspace, name.toStdString()); },
        [this, name, job](JobOutcome<std::monostate> outcome) {
            m_context.jobs()->end(job);
            m_deleting.remove(name);
            if (outcome.ok()) {
                emit deleted(name);
            } else {
                m_context.prompts().showError(
                    tr("The saved model %1 could not be deleted: %2").arg(name, outcome.failure.message),
                    outcome.failure.details);
            }
            reload();
        });
}

void SavedModelsPage::verifySelected()
{
    const QString name = currentName();
    if (name.isEmpty() || m_verifyCancel) {
        return;
    }
    m_verifyCancel = std::make_shared<std::atomic_bool>(false);
    m_verifyJob = m_context.jobs()->begin(tr("Verifying %1").arg(name));
    m_ui->verifyProgressBar->setRange(0, 1000);
    m_ui->verifyProgressBar->setValue(0);
    m_ui->verifyProgressBar->show();
    m_ui->cancelVerifyButton->show();
    updateState();
    const QPointer<QObject> self(this);
    m_context.run(
        this,
        [context = &m_context, self, workspace = m_context.workspace(), name, cancel = m_verifyCancel] {
            int lastPermille = -1;
            return SavedModelOperations::verify(
                workspace, name.toStdString(),
                [&](std::uint64_t done, std::uint64_t total) {
                    const int permille = total == 0 ? 1000 : static_cast<int>(done * 1000 / total);
                    // Only visible steps cross threads.
                    if (permille != lastPermille) {
                        lastPermille = permille;
                        context->post(self, [self, permille] {
                            if (auto* page = qobject_cast<SavedModelsPage*>(self.data())) {
                                page->m_ui->verifyProgressBar->setValue(permille);
                            }
                        });
                    }
                },
                *cancel);
        },
        [this, name](JobOutcome<VerifyReport> outcome) {
            m_context.jobs()->end(m_verifyJob);
            m_verifyCancel.reset();
            m_ui->verifyProgressBar->hide();
            m_ui->cancelVerifyButton->hide();
            updateState();
            if (!outcome.ok()) {
                if (!outcome.failure.cancelled) {
                    m_context.prompts().showError(tr("%1 could not be verified: %2").arg(name, outcome.failure.message),
                                                  outcome.failure.details);
                }
                return;
            }
            const VerifyReport& report = *outcome.value;
            if (report.ok()) {
                m_context.prompts().showInformation(
                    tr("Verify"),
                    tr("All %n file(s) of %1 match their model card.", nullptr, report.checked).arg(name));
                return;
            }
            QStringList details;
            for (const auto& file : report.changed) {
                details << tr("changed: %1").arg(QString::fromStdString(file));
            }
            for (const auto& file : report.missing) {
                details << tr("missing: %1").arg(QString::fromStdString(file));
            }
            m_context.prompts().showWarning(
                tr("%1 does not match its model card: %2 file(s) changed, %3 missing. Delete it and save the trained "
                   "model again.")
                    .arg(name)
                    .arg(report.changed.size())
                    .arg(report.missing.size()),
                details.join(QLatin1Char('\n')));
        });
}

void SavedModelsPage::openFolder()
{
    const QString path = currentPath();
    if (!path.isEmpty()) {
        m_context.openFolder(path);
    }
}

void SavedModelsPage::copyName()
{
    const QString name = currentName();
    if (!name.isEmpty()) {
        QApplication::clipboard()->setText(name);
    }
}

void SavedModelsPage::copyPath()
{
    const QString path = currentPath();
    if (!path.isEmpty()) {
        QApplication::clipboard()->setText(path);
    }
}

QString SavedModelsPage::currentPath() const
{
    const QModelIndex index = m_ui->savedModelsListView->currentIndex();
    return index.isValid() ? index.data(SavedModelListModel::PathRole).toString() : QString();
}

void SavedModelsPage::createContextMenu()
{
    m_contextMenu = new QMenu(this);
    m_contextMenu->setObjectName(QStringLiteral("savedModelsContextMenu"));
    const auto add = [this](const QString& text, const char* name, void (SavedModelsPage::*slot)()) {
        QAction* action = m_contextMenu->addAction(text, this, slot);
        action->setObjectName(QLatin1String(name));
        return action;
    };
    add(tr("&Deploy…"), "deployContextAction", &SavedModelsPage::deploySelected);
    m_verifyContextAction = add(tr("&Verify"), "verifyContextAction", &SavedModelsPage::verifySelected);
    add(tr("Export &GGUF…"), "exportGgufContextAction", &SavedModelsPage::exportGgufSelected);
    add(tr("Open &Folder"), "openFolderContextAction", &SavedModelsPage::openFolder);
    m_contextMenu->addSeparator();
    m_copyNameContextAction = add(tr("Copy &Name"), "copyNameContextAction", &SavedModelsPage::copyName);
    add(tr("Copy &Path"), "copyPathContextAction", &SavedModelsPage::copyPath);
    m_contextMenu->addSeparator();
    add(tr("De&lete…"), "deleteContextAction", &SavedModelsPage::deleteSelected);
    // Ctrl+C on the list copies the selected model's name.
    m_copyNameContextAction->setShortcut(QKeySequence::Copy);
    m_copyNameContextAction->setShortcutContext(Qt::WidgetShortcut);
    m_ui->savedModelsListView->addAction(m_copyNameContextAction);
}

void SavedModelsPage::showContextMenu(const QPoint& position)
{
    QListView* view = m_ui->savedModelsListView;
    const QModelIndex index = view->indexAt(position);
    if (index.isValid()) {
        view->setCurrentIndex(index);
    }
    if (currentName().isEmpty()) {
        return;
    }
    // From the keyboard (Menu key) the position is the view's, not the item's: open at the current item.
    const QRect item = view->visualRect(view->currentIndex());
    const QPoint at = index.isValid() || item.isEmpty() ? position : item.bottomLeft();
    m_contextMenu->popup(view->viewport()->mapToGlobal(at));
}

void SavedModelsPage::updateState()
{
    const bool selected = !currentName().isEmpty();
    m_ui->deployButton->setEnabled(selected);
    m_ui->deleteButton->setEnabled(selected);
    m_ui->openFolderButton->setEnabled(selected);
    m_ui->exportGgufButton->setEnabled(selected);
    m_ui->verifyButton->setEnabled(selected && !m_verifyCancel);
    for (QAction* action : m_contextMenu->actions()) {
        action->setEnabled(selected);
    }
    m_verifyContextAction->setEnabled(selected && !m_verifyCancel);
    if (m_loads == 0) {
        m_ui->countLabel->setText(tr("Loading…"));
    } else if (m_proxy->rowCount() == m_model->rowCount()) {
        m_ui->countLabel->setText(tr("%n saved model(s)", nullptr, m_model->rowCount()));
    } else {
        m_ui->countLabel->setText(tr("%1 of %n saved model(s)", nullptr, m_model->rowCount()).arg(m_proxy->rowCount()));
    }
}

} // namespace deepext::gui
