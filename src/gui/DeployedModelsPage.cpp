#include "gui/DeployedModelsPage.h"

#include "ui_DeployedModelsPage.h"

#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCardRenderer.h"
#include "deepext/workflow/DeploymentMaintenance.h"
#include "gui/AppContext.h"
#include "gui/CardPane.h"
#include "gui/CoalescedLoader.h"
#include "gui/DeployDialog.h"
#include "gui/DeployJob.h"
#include "gui/DeployJobs.h"
#include "gui/DeploymentFilterProxy.h"
#include "gui/DeploymentTableModel.h"
#include "gui/EvaluateDialog.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/LayoutMemory.h"
#include "gui/TryChatDialog.h"

#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QShowEvent>
#include <QTime>
#include <QTimer>

#include <algorithm>
#include <set>

namespace deepext::gui {
namespace {

constexpr int PresenceIntervalMs = 60 * 1000;

// What a load brings to the page: the records, and which of their saved models are gone from the workspace.
struct DeploymentsView
{
    std::vector<DeploymentRecord> records;
    std::set<std::string> missingSavedModels;
};

} // namespace

DeployedModelsPage::DeployedModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::DeployedModelsPage>())
    , m_context(context)
    , m_model(new DeploymentTableModel(this))
    , m_proxy(new DeploymentFilterProxy(this))
    , m_loader(new CoalescedLoader(context, this))
    , m_maintenance(new DeploymentMaintenance(context.workspace(), context.network(), context.runner(), this))
    , m_presence(new DeploymentMaintenance(context.workspace(), context.network(), context.runner(), this))
    , m_presenceTimer(new QTimer(this))
{
    m_ui->setupUi(this);
    m_proxy->setSourceModel(m_model);
    m_ui->deploymentsTableView->setModel(m_proxy);
    // Column widths as the user left them; the first load sizes them to their contents otherwise.
    m_headerRestored = LayoutMemory::keep(m_ui->deploymentsTableView->horizontalHeader(),
                                          QStringLiteral("DeployedModelsPage/deploymentsTable"));
    // Newest first, like the saved models, until the user clicks another header; not the restored header's sort
    // (before sortable columns it said "name, descending" and meant newest first).
    m_ui->deploymentsTableView->sortByColumn(DeploymentTableModel::DeployedAtColumn, Qt::DescendingOrder);
    m_ui->deployedModelsSplitter->setStretchFactor(0, 1);
    m_ui->deployedModelsSplitter->setStretchFactor(1, 2);
    if (!LayoutMemory::keep(m_ui->deployedModelsSplitter, QStringLiteral("DeployedModelsPage/splitter"))) {
        m_ui->deployedModelsSplitter->setSizes({250, 400}); // in proportion: the card gets the room
    }
    m_ui->deploymentCardPane->setAccessibleName(tr("Deployment details"));
    m_ui->deploymentCardPane->setFolderOpener([this](const QString& folder) { m_context.openFolder(folder); });
    connect(m_ui->deploymentsTableView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateButtons();
        showDetails();
    });
    // A reload that changes the selected record (a refresh, a removal) updates its pane.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DeployedModelsPage::showDetails);
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &DeployedModelsPage::refreshFromServers);
    connect(m_ui->removeFromOllamaButton, &QPushButton::clicked, this, &DeployedModelsPage::removeSelected);
    connect(m_ui->tryButton, &QPushButton::clicked, this, &DeployedModelsPage::trySelected);
    connect(m_ui->evaluateButton, &QPushButton::clicked, this, &DeployedModelsPage::evaluate);
    connect(m_maintenance, &DeploymentMaintenance::finished, this,
            [this](bool ok, const QString& message, const QString& details) {
                m_busy = false;
                m_context.jobs()->end(m_job);
                m_job = 0;
                m_ui->statusLabel->setText(message);
                if (!ok) {
                    m_context.prompts().showError(message, details);
                }
                emit m_context.registryChanged();
                updateButtons();
                emit maintenanceFinished(ok);
            });
    connect(m_ui->clearHistoryButton, &QPushButton::clicked, this, &DeployedModelsPage::clearHistory);
    connect(m_ui->showProgressButton, &QPushButton::clicked, this, &DeployedModelsPage::showProgressOfSelected);
    connect(m_ui->cancelDeployButton, &QPushButton::clicked, this, &DeployedModelsPage::cancelSelectedDeploy);
    // Background deploys write their progress on their rows (the "deploying" record's status column).
    DeployJobs* deploys = m_context.deploys();
    const auto showProgress = [this](DeployJob* job) {
        m_model->setJobProgress(job->uuid(), job->progressText());
        if (job->uuid() == currentUuid()) {
            updateButtons();
        }
    };
    connect(deploys, &DeployJobs::jobStarted, this, showProgress);
    connect(deploys, &DeployJobs::jobChanged, this, showProgress);
    connect(deploys, &DeployJobs::jobEnded, this, [this](DeployJob* job) {
        m_model->setJobProgress(job->uuid(), QString());
        updateButtons();
    });
    for (DeployJob* job : deploys->jobs()) {
        m_model->setJobProgress(job->uuid(), job->progressText());
    }
    createContextMenu();
    m_ui->deploymentsTableView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_ui->deploymentsTableView, &QWidget::customContextMenuRequested, this,
            &DeployedModelsPage::showContextMenu);
    connect(m_ui->deploymentViewComboBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_proxy->setShowHistory(index == 1);
        updateButtons();
        showDetails();
    });
    connect(m_ui->deploymentFilterLineEdit, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterText(text);
        updateButtons();
        showDetails();
    });
    // A row the filter hides leaves the selection: the buttons and the pane follow.
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, [this] {
        updateButtons();
        showDetails();
    });
    m_presenceTimer->setInterval(PresenceIntervalMs);
    connect(m_presenceTimer, &QTimer::timeout, this, &DeployedModelsPage::checkPresence);
    connect(
        m_presence, &DeploymentMaintenance::presenceChecked, this,
        [this](const ServerModels& present, const QString& problems) {
            m_checkingPresence = false;
            m_presenceChecked = true;
            m_model->setPresence(present);
            updateHistoryCount();
            if (!m_busy) {
                m_ui->statusLabel->setText(
                    problems.isEmpty()
                        ? tr("Checked the servers at %1.").arg(QTime::currentTime().toString(QStringLiteral("HH:mm")))
                        : tr("Not every server answered: %1").arg(problems));
            }
            emit presenceChecked();
        });
    connect(m_presence, &DeploymentMaintenance::finished, this, [this](bool, const QString& message, const QString&) {
        // Only a failure to read the records ends a presence check this way.
        m_checkingPresence = false;
        if (!m_busy) {
            m_ui->statusLabel->setText(message);
        }
        emit presenceChecked();
    });
    connect(&m_context, &AppContext::registryChanged, this, &DeployedModelsPage::reload);
    m_loader->setJob(
        [workspace = m_context.workspace()] {
            DeploymentsView view{workspace.deployments(), {}};
            for (const auto& record : view.records) {
                if (!view.missingSavedModels.count(record.savedModel) &&
                    !workspace.savedModelExists(record.savedModel)) {
                    view.missingSavedModels.insert(record.savedModel);
                }
            }
            return view;
        },
        [this](JobOutcome<DeploymentsView> outcome) {
            if (!outcome.ok()) {
                m_ui->statusLabel->setText(
                    tr("The deployment records could not be read: %1").arg(outcome.failure.message));
                return;
            }
            m_model->setMissingSavedModels(std::move(outcome.value->missingSavedModels));
            m_model->setRows(std::move(outcome.value->records));
            fitColumns();
            updateHistoryCount();
            updateButtons();
            showDetails();
            if (!m_presenceChecked && isVisible()) {
                checkPresence();
            }
            emit loaded(m_model->rowCount());
        });
    updateButtons();
    reload();
}

DeployedModelsPage::~DeployedModelsPage()
{
    if (m_job) {
        m_context.jobs()->end(m_job);
    }
}

void DeployedModelsPage::reload()
{
    m_loader->request();
}

int DeployedModelsPage::recordCount() const
{
    return m_model->rowCount();
}

int DeployedModelsPage::visibleCount() const
{
    return m_proxy->rowCount();
}

void DeployedModelsPage::setShowHistory(bool history)
{
    m_ui->deploymentViewComboBox->setCurrentIndex(history ? 1 : 0);
}

void DeployedModelsPage::updateHistoryCount()
{
    int hidden = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        hidden += m_model->isLive(row) ? 0 : 1;
    }
    m_ui->deploymentViewComboBox->setItemText(
        1, hidden > 0 ? tr("History: every attempt (%n not live)", nullptr, hidden) : tr("History: every attempt"));
}

void DeployedModelsPage::selectProxyRowOf(int sourceRow)
{
    QModelIndex index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    if (!index.isValid() && !m_proxy->showsHistory()) {
        setShowHistory(true);
        index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    }
    if (!index.isValid()) { // hidden by the filter's text
        m_ui->deploymentFilterLineEdit->clear();
        index = m_proxy->mapFromSource(m_model->index(sourceRow, 0));
    }
    if (index.isValid()) {
        m_ui->deploymentsTableView->selectRow(index.row());
    }
}

QModelIndex DeployedModelsPage::currentSourceIndex() const
{
    const QModelIndexList selected = m_ui->deploymentsTableView->selectionModel()->selectedRows();
    return selected.isEmpty() ? QModelIndex() : m_proxy->mapToSource(selected.first());
}

bool DeployedModelsPage::currentIsDeployed() const
{
    const QModelIndex index = currentSourceIndex();
    return index.isValid() && m_model->rowAt(index.row()).status == DeploymentStatus::Deployed;
}

QString DeployedModelsPage::currentOllamaName() const
{
    return currentSourceIndex().data(DeploymentTableModel::OllamaNameRole).toString();
}

QString DeployedModelsPage::currentUuid() const
{
    return currentSourceIndex().data(DeploymentTableModel::UuidRole).toString();
}

void DeployedModelsPage::selectUuid(const QString& uuid)
{
    const int row = m_model->rowOf(uuid);
    if (row >= 0) {
        selectProxyRowOf(row);
    }
}

void DeployedModelsPage::selectOllamaName(const QString& name)
{
    // The newest record of that name (a name can be reused after a removal).
    int newest = -1;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const DeploymentRecord& record = m_model->rowAt(row);
        if (QString::fromStdString(record.ollamaName) == name &&
            (newest < 0 || record.startedAt > m_model->rowAt(newest).startedAt)) {
            newest = row;
        }
    }
    if (newest >= 0) {
        selectProxyRowOf(newest);
    }
}

void DeployedModelsPage::refreshFromServers()
{
    if (m_busy) {
        return;
    }
    m_busy = true;
    m_job = m_context.jobs()->begin(tr("Refreshing deployments"));
    m_ui->statusLabel->setText(tr("Asking the Ollama servers…"));
    updateButtons();
    m_maintenance->refresh();
}

void DeployedModelsPage::removeSelected()
{
    const QString name = currentOllamaName();
    if (name.isEmpty() || m_busy) {
        return;
    }
    if (!m_context.prompts().confirm(tr("Remove from Ollama"),
                                     tr("Remove \"%1\" from its Ollama server?\n\nThe saved model in the workspace is "
                                        "not touched; the record stays, marked removed.")
                                         .arg(name),
                                     {}, tr("Remove"))) {
        return;
    }
    m_busy = true;
    m_job = m_context.jobs()->begin(tr("Removing %1 from Ollama").arg(name));
    m_ui->statusLabel->setText(tr("Removing %1…").arg(name));
    updateButtons();
    m_maintenance->undeploy(name.toStdString());
}

void DeployedModelsPage::clearHistory()
{
    if (m_busy) {
        return;
    }
    if (!m_context.prompts().confirm(tr("Clear History"),
                                     tr("Forget the failed, cancelled, interrupted and removed attempts?\n\nDeployed "
                                        "models and deploys still running stay; nothing changes in Ollama."),
                                     {}, tr("Clear History"))) {
        return;
    }
    m_busy = true;
    m_job = m_context.jobs()->begin(tr("Clearing the deployment history"));
    updateButtons();
    m_context.run(
        this, [workspace = m_context.workspace()] { return workspace.removeDeploymentHistory(); },
        [this](JobOutcome<int> outcome) {
            m_busy = false;
            m_context.jobs()->end(m_job);
            m_job = 0;
            if (outcome.ok()) {
                m_ui->statusLabel->setText(tr("Forgot %n attempt(s).", nullptr, *outcome.value));
            } else {
                m_ui->statusLabel->setText(outcome.failure.message);
                m_context.prompts().showError(tr("The history could not be cleared: %1").arg(outcome.failure.message),
                                              outcome.failure.details);
            }
            emit m_context.registryChanged();
            updateButtons();
            emit historyCleared(outcome.ok() ? *outcome.value : -1);
        });
}

DeployJob* DeployedModelsPage::selectedJob() const
{
    const QString uuid = currentUuid();
    return uuid.isEmpty() ? nullptr : m_context.deploys()->byUuid(uuid);
}

void DeployedModelsPage::showProgressOfSelected()
{
    DeployJob* job = selectedJob();
    if (!job) {
        return;
    }
    auto* dialog = new DeployDialog(m_context, job->savedName(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->showJobIn(job->environment());
    dialog->show(); // not modal: the deploy runs in the background, the page stays usable
}

void DeployedModelsPage::cancelSelectedDeploy()
{
    if (DeployJob* job = selectedJob()) {
        job->cancel();
        updateButtons();
    }
}

void DeployedModelsPage::checkPresence()
{
    if (m_checkingPresence || m_model->rowCount() == 0) {
        return;
    }
    m_checkingPresence = true;
    m_presence->checkPresence();
}

void DeployedModelsPage::trySelected()
{
    if (!currentIsDeployed()) {
        return;
    }
    auto* dialog = new TryChatDialog(m_context, m_model->rowAt(currentSourceIndex().row()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show(); // non-modal: the page stays usable beside the chat
}

void DeployedModelsPage::evaluate()
{
    // The selected deployment starts checked; the dialog lists every deployed one.
    auto* dialog = new EvaluateDialog(m_context, currentOllamaName(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void DeployedModelsPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    fitColumns();
    checkPresence();
    m_presenceTimer->start();
}

void DeployedModelsPage::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_presenceTimer->stop();
}

void DeployedModelsPage::fitColumns()
{
    // Once, when there are records and the table has its real width, unless the user's widths were restored.
    if (m_headerRestored || m_columnsFitted || m_model->rowCount() == 0 || !isVisible()) {
        return;
    }
    m_columnsFitted = true;
    QTableView* table = m_ui->deploymentsTableView;
    table->resizeColumnsToContents();
    QHeaderView* header = table->horizontalHeader();
    // The two long names give way first, in proportion to their widths (their text is elided in the middle, keeping
    // the "_d_<4 hex>_<quant>" end), never below a quarter of it; what they cannot absorb comes from the server and
    // status columns (their full text is in the tooltip), never below their header's width. Twice: the stretched
    // last column may take back some of what was freed (it keeps at least the default section size).
    const int name = header->sectionSize(DeploymentTableModel::NameColumn);
    const int saved = header->sectionSize(DeploymentTableModel::SavedModelColumn);
    for (int pass = 0; pass < 2; ++pass) {
        const int excess = header->length() - table->viewport()->width();
        if (excess <= 0) {
            return;
        }
        int remaining = excess;
        const auto shrink = [&](int column, int wanted, int floor) {
            const int size = header->sectionSize(column);
            const int cut = std::clamp(std::min(wanted, remaining), 0, std::max(0, size - floor));
            header->resizeSection(column, size - cut);
            remaining -= cut;
        };
        shrink(DeploymentTableModel::NameColumn, excess * name / std::max(1, name + saved), name / 4);
        shrink(DeploymentTableModel::SavedModelColumn, remaining, saved / 4);
        shrink(DeploymentTableModel::NameColumn, remaining, name / 4);
        for (const int column : {DeploymentTableModel::EnvironmentColumn, DeploymentTableModel::StatusColumn}) {
            shrink(column, remaining, header->sectionSizeHint(column));
        }
    }
}

void DeployedModelsPage::showDetails()
{
    const QModelIndex index = currentSourceIndex();
    if (!index.isValid()) {
        m_ui->deploymentCardPane->clear();
        return;
    }
    // The record is in memory: no disk work here. An unchanged record leaves the pane as it is.
    m_ui->deploymentCardPane->showDocument(ModelCardRenderer::deploymentDocument(m_model->rowAt(index.row())));
}

void DeployedModelsPage::createContextMenu()
{
    m_contextMenu = new QMenu(this);
    m_contextMenu->setObjectName(QStringLiteral("deploymentsContextMenu"));
    const auto add = [this](const QString& text, const char* name, void (DeployedModelsPage::*slot)()) {
        QAction* action = m_contextMenu->addAction(text, this, slot);
        action->setObjectName(QLatin1String(name));
        return action;
    };
    m_tryAction = add(tr("&Try…"), "tryContextAction", &DeployedModelsPage::trySelected);
    m_evaluateAction = add(tr("&Evaluate…"), "evaluateContextAction", &DeployedModelsPage::evaluate);
    m_contextMenu->addSeparator();
    QAction* copy = add(tr("Copy &Name"), "copyNameContextAction", &DeployedModelsPage::copyName);
    m_contextMenu->addSeparator();
    m_removeAction = add(tr("Remove from &Ollama…"), "removeContextAction", &DeployedModelsPage::removeSelected);
    m_contextMenu->addSeparator();
    m_showProgressAction =
        add(tr("Show &Progress…"), "showProgressContextAction", &DeployedModelsPage::showProgressOfSelected);
    m_cancelDeployAction =
        add(tr("Cancel &Deploy"), "cancelDeployContextAction", &DeployedModelsPage::cancelSelectedDeploy);
    // Ctrl+C on the table copies the selected deployment's name in Ollama.
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    m_ui->deploymentsTableView->addAction(copy);
}

void DeployedModelsPage::showContextMenu(const QPoint& position)
{
    QTableView* table = m_ui->deploymentsTableView;
    const QModelIndex index = table->indexAt(position);
    if (index.isValid()) {
        table->selectRow(index.row());
    }
    if (currentOllamaName().isEmpty()) {
        return;
    }
    updateButtons();
    // From the keyboard (Menu key) the position is the view's, not the row's: open at the selected row.
    const QModelIndexList rows = table->selectionModel()->selectedRows();
    const QRect row = rows.isEmpty() ? QRect() : table->visualRect(rows.first());
    const QPoint at = index.isValid() || row.isEmpty() ? position : row.bottomLeft();
    m_contextMenu->popup(table->viewport()->mapToGlobal(at));
}

void DeployedModelsPage::copyName()
{
    const QString name = currentOllamaName();
    if (!name.isEmpty()) {
        QGuiApplication::clipboard()->setText(name);
    }
}

void DeployedModelsPage::updateButtons()
{
    m_ui->refreshButton->setEnabled(!m_busy);
    m_ui->removeFromOllamaButton->setEnabled(!m_busy && !currentOllamaName().isEmpty());
    bool anyPast = false;
    for (int row = 0; row < m_model->rowCount() && !anyPast; ++row) {
        anyPast = !m_model->isLive(row) && m_model->rowAt(row).status != DeploymentStatus::Deployed;
    }
    m_ui->clearHistoryButton->setVisible(m_proxy->showsHistory());
    m_ui->clearHistoryButton->setEnabled(!m_busy && anyPast);
    m_ui->tryButton->setEnabled(currentIsDeployed());
    m_ui->evaluateButton->setEnabled(m_model->rowCount() > 0);
    // The menu offers what the buttons do, on the same terms.
    m_tryAction->setEnabled(m_ui->tryButton->isEnabled());
    m_evaluateAction->setEnabled(m_ui->evaluateButton->isEnabled());
    m_removeAction->setEnabled(m_ui->removeFromOllamaButton->isEnabled());
    // A deploy running in the background: its dialog can be opened again, and it can be cancelled from here.
    const DeployJob* job = selectedJob();
    m_ui->showProgressButton->setVisible(job != nullptr);
    m_ui->cancelDeployButton->setVisible(job && job->isDeploying());
    m_ui->cancelDeployButton->setEnabled(job && job->isDeploying() && !job->isCancelling());
    m_showProgressAction->setVisible(job != nullptr);
    m_cancelDeployAction->setVisible(m_ui->cancelDeployButton->isVisible());
    m_cancelDeployAction->setEnabled(m_ui->cancelDeployButton->isEnabled());
    if (job) {
        // The status column is narrow: the line under the table spells out what the selected deploy is doing.
        m_ui->statusLabel->setText(tr("Deploying %1: %2").arg(job->ollamaName(), job->progressText()));
    }
}

} // namespace deepext::gui
