#include "gui/DeployedModelsPage.h"

#include "ui_DeployedModelsPage.h"

#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeploymentMaintenance.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/SavedModelListModel.h"

#include <QHeaderView>

#include <algorithm>

namespace deepext::gui {
namespace {

enum Column
{
    NameColumn,
    SavedModelColumn,
    EnvironmentColumn,
    QuantizationColumn,
    StatusColumn,
    DeployedAtColumn,
};

} // namespace

DeployedModelsPage::DeployedModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::DeployedModelsPage>())
    , m_context(context)
    , m_maintenance(new DeploymentMaintenance(context.workspace(), context.network(), this))
{
    m_ui->setupUi(this);
    connect(m_ui->deploymentsTableWidget, &QTableWidget::itemSelectionChanged, this,
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
    if (m_loadRunning) {
        m_reloadQueued = true;
        return;
    }
    m_loadRunning = true;
    m_context.run(
        this, [workspace = m_context.workspace()] { return workspace.deployments(); },
        [this](JobOutcome<std::vector<DeploymentRecord>> outcome) {
            m_loadRunning = false;
            if (outcome.ok()) {
                applyRecords(std::move(*outcome.value));
            } else {
                m_ui->statusLabel->setText(
                    tr("The deployment records could not be read: %1").arg(outcome.failure.message));
            }
            if (m_reloadQueued) {
                m_reloadQueued = false;
                reload();
            }
        });
}

void DeployedModelsPage::applyRecords(std::vector<DeploymentRecord> records)
{
    // Newest first, like the saved models.
    std::sort(records.begin(), records.end(),
              [](const DeploymentRecord& a, const DeploymentRecord& b) { return a.startedAt > b.startedAt; });
    const QString current = currentOllamaName();
    QTableWidget* table = m_ui->deploymentsTableWidget;
    QSignalBlocker blocker(table);
    table->setRowCount(0);
    for (const DeploymentRecord& record : records) {
        const int row = table->rowCount();
        table->insertRow(row);
        const QString name = QString::fromStdString(record.ollamaName);
        QString status = QString::fromStdString(record.status);
        if (record.status == "deployed" && !record.presentOnServer) {
            status = tr("deployed, no longer on the server");
        }
        const auto set = [&](int column, const QString& text, const QString& tip = {}) {
            auto* item = new QTableWidgetItem(text);
            item->setToolTip(tip.isEmpty() ? text : tip);
            table->setItem(row, column, item);
        };
        set(NameColumn, name);
        table->item(row, NameColumn)->setData(Qt::UserRole, name);
        set(SavedModelColumn, QString::fromStdString(record.savedModel));
        set(EnvironmentColumn,
            record.environment.empty() ? QString::fromStdString(record.url)
                                       : QString::fromStdString(record.environment),
            QString::fromStdString(record.url));
        set(QuantizationColumn, QString::fromStdString(record.quantization));
        set(StatusColumn, status, record.message.empty() ? status : QString::fromStdString(record.message));
        set(DeployedAtColumn, SavedModelListModel::formatCreated(
                                  QString::fromStdString(record.endedAt.empty() ? record.startedAt : record.endedAt)));
        if (name == current) {
            table->selectRow(row);
        }
    }
    table->resizeColumnsToContents();
    blocker.unblock();
    updateButtons();
    emit loaded(table->rowCount());
}

int DeployedModelsPage::recordCount() const
{
    return m_ui->deploymentsTableWidget->rowCount();
}

QString DeployedModelsPage::currentOllamaName() const
{
    const auto selected = m_ui->deploymentsTableWidget->selectionModel()
                              ? m_ui->deploymentsTableWidget->selectionModel()->selectedRows()
                              : QModelIndexList();
    if (selected.isEmpty()) {
        return {};
    }
    const QTableWidgetItem* item = m_ui->deploymentsTableWidget->item(selected.first().row(), NameColumn);
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void DeployedModelsPage::selectOllamaName(const QString& name)
{
    for (int row = 0; row < m_ui->deploymentsTableWidget->rowCount(); ++row) {
        if (m_ui->deploymentsTableWidget->item(row, NameColumn)->data(Qt::UserRole).toString() == name) {
            m_ui->deploymentsTableWidget->selectRow(row);
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
