#include "gui/DeployedModelsPage.h"

#include "ui_DeployedModelsPage.h"

#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeploymentMaintenance.h"
#include "gui/AppContext.h"
#include "gui/CoalescedLoader.h"
#include "gui/DeploymentTableModel.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"

#include <QItemSelectionModel>
#include <QSortFilterProxyModel>

namespace deepext::gui {

DeployedModelsPage::DeployedModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::DeployedModelsPage>())
    , m_context(context)
    , m_model(new DeploymentTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_loader(new CoalescedLoader(context, this))
    , m_maintenance(new DeploymentMaintenance(context.workspace(), context.network(), context.runner(), this))
{
    m_ui->setupUi(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(DeploymentTableModel::StartedAtRole);
    m_proxy->setDynamicSortFilter(true);
    m_proxy->sort(DeploymentTableModel::NameColumn, Qt::DescendingOrder); // newest first, like the saved models
    m_ui->deploymentsTableView->setModel(m_proxy);
    connect(m_ui->deploymentsTableView->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DeployedModelsPage::updateButtons);
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &DeployedModelsPage::refreshFromServers);
    connect(m_ui->removeFromOllamaButton, &QPushButton::clicked, this, &DeployedModelsPage::removeSelected);
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
    connect(&m_context, &AppContext::registryChanged, this, &DeployedModelsPage::reload);
    m_loader->setJob([workspace = m_context.workspace()] { return workspace.deployments(); },
                     [this](JobOutcome<std::vector<DeploymentRecord>> outcome) {
                         if (!outcome.ok()) {
                             m_ui->statusLabel->setText(
                                 tr("The deployment records could not be read: %1").arg(outcome.failure.message));
                             return;
                         }
                         const bool first = m_loader->completedRuns() == 0;
                         m_model->setRows(std::move(*outcome.value));
                         if (first) {
                             m_ui->deploymentsTableView->resizeColumnsToContents();
                         }
                         updateButtons();
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

QModelIndex DeployedModelsPage::currentSourceIndex() const
{
    const QModelIndexList selected = m_ui->deploymentsTableView->selectionModel()->selectedRows();
    return selected.isEmpty() ? QModelIndex() : m_proxy->mapToSource(selected.first());
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
        m_ui->deploymentsTableView->selectRow(m_proxy->mapFromSource(m_model->index(row, 0)).row());
    }
}

void DeployedModelsPage::selectOllamaName(const QString& name)
{
    // The newest record of that name (a name can be reused after a removal).
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        if (m_proxy->index(row, 0).data(DeploymentTableModel::OllamaNameRole).toString() == name) {
            m_ui->deploymentsTableView->selectRow(row);
            return;
        }
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

void DeployedModelsPage::updateButtons()
{
    m_ui->refreshButton->setEnabled(!m_busy);
    m_ui->removeFromOllamaButton->setEnabled(!m_busy && !currentOllamaName().isEmpty());
}

} // namespace deepext::gui
