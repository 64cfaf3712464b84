#include "gui/EnvironmentsDialog.h"

#include "ui_EnvironmentsDialog.h"

#include "deepext/base/Records.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeploymentMaintenance.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"

#include <QPushButton>

namespace deepext::gui {
namespace {

struct EnvironmentList
{
    std::vector<EnvironmentRecord> environments;
    std::string defaultName;
};

} // namespace

EnvironmentsDialog::EnvironmentsDialog(AppContext& context, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::EnvironmentsDialog>())
    , m_context(context)
    , m_maintenance(new DeploymentMaintenance(context.workspace(), context.network(), context.runner(), this))
{
    m_ui->setupUi(this);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_ui->environmentsTableWidget, &QTableWidget::itemSelectionChanged, this,
            &EnvironmentsDialog::updateButtons);
    connect(m_ui->nameLineEdit, &QLineEdit::textChanged, this, &EnvironmentsDialog::updateButtons);
    connect(m_ui->urlLineEdit, &QLineEdit::textChanged, this, &EnvironmentsDialog::updateButtons);
    connect(m_ui->browseCaFileButton, &QPushButton::clicked, this, [this] {
        const QString file =
            m_context.prompts().askOpenFile(tr("CA Certificate"), tr("Certificates (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty()) {
            m_ui->caFileLineEdit->setText(file);
        }
    });
    connect(m_ui->addEnvironmentButton, &QPushButton::clicked, this, [this] {
        EnvironmentRecord record;
        record.name = m_ui->nameLineEdit->text().trimmed().toStdString();
        record.url = m_ui->urlLineEdit->text().trimmed().toStdString();
        record.caFile = m_ui->caFileLineEdit->text().trimmed().toStdString();
        const bool makeDefault = m_ui->makeDefaultCheckBox->isChecked();
        write(tr("The environment could not be added"),
              [record, makeDefault](const Workspace& workspace) { workspace.addEnvironment(record, makeDefault); });
        m_ui->nameLineEdit->clear();
        m_ui->urlLineEdit->clear();
        m_ui->caFileLineEdit->clear();
        m_ui->makeDefaultCheckBox->setChecked(false);
    });
    connect(m_ui->removeEnvironmentButton, &QPushButton::clicked, this, [this] {
        const QString name = selectedName();
        if (name.isEmpty() ||
            !m_context.prompts().confirm(tr("Remove Environment"),
                                         tr("Remove the environment \"%1\"? Models already deployed there stay in "
                                            "that Ollama, and their records stay.")
                                             .arg(name),
                                         {}, tr("Remove"))) {
            return;
        }
        write(tr("The environment could not be removed"),
              [name = name.toStdString()](const Workspace& workspace) { workspace.removeEnvironment(name); });
    });
    connect(m_ui->setDefaultButton, &QPushButton::clicked, this, [this] {
        const QString name = selectedName();
        if (!name.isEmpty()) {
            write(tr("The default environment could not be set"),
                  [name = name.toStdString()](const Workspace& workspace) { workspace.setDefaultEnvironment(name); });
        }
    });
    connect(m_ui->testConnectionButton, &QPushButton::clicked, this, [this] {
        const int row = m_ui->environmentsTableWidget->currentRow();
        if (row < 0) {
            return;
        }
        const QString url = m_ui->environmentsTableWidget->item(row, 1)->text();
        const QString caFile = m_ui->environmentsTableWidget->item(row, 3)->text();
        m_ui->testResultLabel->setText(tr("Connecting to %1…").arg(url));
        m_ui->testConnectionButton->setEnabled(false);
        m_maintenance->testConnection(url, caFile);
    });
    connect(m_maintenance, &DeploymentMaintenance::connectionTested, this, [this](bool ok, const QString& text) {
        m_ui->testResultLabel->setText(ok ? tr("Connected: Ollama %1").arg(text) : tr("Failed: %1").arg(text));
        m_ui->testResultLabel->setStyleSheet(ok ? QStringLiteral("color: #207020;")
                                                : QStringLiteral("color: #b02020;"));
        updateButtons();
        emit connectionTested(ok, text);
    });
    updateButtons();
    reload();
}

EnvironmentsDialog::~EnvironmentsDialog() = default;

int EnvironmentsDialog::environmentCount() const
{
    return m_ui->environmentsTableWidget->rowCount();
}

void EnvironmentsDialog::reload()
{
    m_context.run(
        this,
        [workspace = m_context.workspace()] {
            return EnvironmentList{workspace.environments(), workspace.defaultEnvironment()};
        },
        [this](JobOutcome<EnvironmentList> outcome) {
            if (!outcome.ok()) {
                m_context.prompts().showError(
                    tr("The deployment environments could not be read: %1").arg(outcome.failure.message),
                    outcome.failure.details);
                return;
            }
            const QString selected = selectedName();
            QTableWidget* table = m_ui->environmentsTableWidget;
            table->setRowCount(0);
            for (const EnvironmentRecord& env : outcome.value->environments) {
                const int row = table->rowCount();
                table->insertRow(row);
                table->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(env.name)));
                table->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(env.url)));
                table->setItem(row, 2,
                               new QTableWidgetItem(env.name == outcome.value->defaultName ? tr("yes") : QString()));
                table->setItem(row, 3, new QTableWidgetItem(QString::fromStdString(env.caFile)));
                if (QString::fromStdString(env.name) == selected) {
                    table->selectRow(row);
                }
            }
            table->resizeColumnsToContents();
            updateButtons();
            emit environmentsLoaded();
        });
}

template <typename Write>
void EnvironmentsDialog::write(const QString& what, Write work)
{
    m_busy = true;
    updateButtons();
    m_context.run(
        this, [workspace = m_context.workspace(), work = std::move(work)] { work(workspace); },
        [this, what](JobOutcome<std::monostate> outcome) {
            m_busy = false;
            if (!outcome.ok()) {
                m_context.prompts().showError(tr("%1: %2").arg(what, outcome.failure.message), outcome.failure.details);
            }
            emit m_context.registryChanged();
            reload();
        });
}

QString EnvironmentsDialog::selectedName() const
{
    const int row = m_ui->environmentsTableWidget->currentRow();
    const QTableWidgetItem* item = row >= 0 ? m_ui->environmentsTableWidget->item(row, 0) : nullptr;
    return item && item->isSelected() ? item->text() : QString();
}

void EnvironmentsDialog::updateButtons()
{
    const bool selected = !selectedName().isEmpty();
    m_ui->removeEnvironmentButton->setEnabled(selected && !m_busy);
    m_ui->setDefaultButton->setEnabled(selected && !m_busy);
    m_ui->testConnectionButton->setEnabled(selected);
    m_ui->addEnvironmentButton->setEnabled(!m_busy && !m_ui->nameLineEdit->text().trimmed().isEmpty() &&
                                           !m_ui->urlLineEdit->text().trimmed().isEmpty());
}

} // namespace deepext::gui
