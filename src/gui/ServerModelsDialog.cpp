#include "gui/ServerModelsDialog.h"

#include "ui_ServerModelsDialog.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaName.h"
#include "deepext/workflow/ServerModelList.h"
#include "gui/AppContext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QListWidgetItem>
#include <QPushButton>

namespace deepext::gui {

namespace {

constexpr int NameRole = Qt::UserRole;
constexpr int OursRole = Qt::UserRole + 1;

} // namespace

ServerModelsDialog::ServerModelsDialog(AppContext& context, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::ServerModelsDialog>())
    , m_context(context)
{
    m_ui->setupUi(this);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setText(tr("&Add"));
    m_ui->statusLabel->setText(tr("Reading the environments…"));
    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &ServerModelsDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &ServerModelsDialog::reject);
    connect(m_ui->refreshButton, &QPushButton::clicked, this, &ServerModelsDialog::refresh);
    connect(m_ui->environmentComboBox, &QComboBox::currentIndexChanged, this, &ServerModelsDialog::refresh);
    connect(m_ui->modelsListWidget, &QListWidget::itemChanged, this, &ServerModelsDialog::updateButtons);
    updateButtons();
    load();
}

ServerModelsDialog::~ServerModelsDialog() = default;

void ServerModelsDialog::load()
{
    // The registries (whose lock another process may hold) are read off the GUI thread.
    m_context.run(
        this,
        [workspace = m_context.workspace()] {
            return Loaded{workspace.environments(), workspace.defaultEnvironment(), workspace.deployments()};
        },
        [this](JobOutcome<Loaded> outcome) {
            if (!outcome.ok()) {
                m_error = tr("The environments could not be read: %1").arg(outcome.failure.message);
                m_ui->statusLabel->setText(m_error);
                return;
            }
            m_loaded = std::move(*outcome.value);
            const QSignalBlocker blocker(m_ui->environmentComboBox);
            QComboBox* combo = m_ui->environmentComboBox;
            if (m_loaded->environments.empty()) {
                // No environment configured: the server deploy would use.
                combo->addItem(tr("OLLAMA_HOST or local default (%1)")
                                   .arg(ollama::OllamaHost::display(ollama::OllamaHost::fromEnvironment())),
                               QString());
            }
            for (const EnvironmentRecord& env : m_loaded->environments) {
                const QString name = QString::fromStdString(env.name);
                combo->addItem(env.name == m_loaded->defaultName
                                   ? tr("%1 (%2, default)").arg(name, ollama::OllamaHost::display(env.url))
                                   : tr("%1 (%2)").arg(name, ollama::OllamaHost::display(env.url)),
                               name);
                if (env.name == m_loaded->defaultName) {
                    combo->setCurrentIndex(combo->count() - 1);
                }
            }
            refresh();
        });
}

void ServerModelsDialog::chooseEnvironment(const QString& name)
{
    const int index = m_ui->environmentComboBox->findData(name);
    if (index >= 0) {
        m_ui->environmentComboBox->setCurrentIndex(index); // lists again when it changes
    }
}

void ServerModelsDialog::refresh()
{
    if (!m_loaded) {
        return;
    }
    if (m_listing) {
        m_listing->disconnect(this);
        m_listing->deleteLater(); // cancels its request
    }
    m_listed = false;
    m_error.clear();
    m_server.reset();
    m_ui->modelsListWidget->clear();
    try {
        m_server = ServerChoice::resolve(m_loaded->environments, m_loaded->defaultName,
                                         m_ui->environmentComboBox->currentData().toString().toStdString());
    } catch (const Error& error) {
        m_error = QString::fromStdString(error.message());
        m_ui->statusLabel->setText(m_error);
        updateButtons();
        return;
    }
    m_ui->statusLabel->setText(tr("Asking %1 for its models…").arg(QString::fromStdString(m_server->display())));
    m_listing = new ServerModelList(m_context.network(), *m_server, this);
    connect(m_listing, &ServerModelList::finished, this, &ServerModelsDialog::onListed);
    m_listing->start();
    updateButtons();
}

void ServerModelsDialog::onListed(bool ok)
{
    ServerModelList* listing = m_listing;
    m_listing = nullptr;
    listing->deleteLater();
    if (!ok) {
        m_error = tr("The server did not answer with its models: %1").arg(listing->error());
        m_ui->statusLabel->setText(m_error);
        updateButtons();
        return;
    }
    m_listed = true;
    const QSignalBlocker blocker(m_ui->modelsListWidget);
    for (const std::string& name : listing->names()) {
        // Ours: a deployed record of that name on this very server.
        const DeploymentRecord* ours = nullptr;
        for (const DeploymentRecord& record : m_loaded->deployments) {
            if (record.status == DeploymentStatus::Deployed && record.url == m_server->url() &&
                ollama::OllamaName::sameModel(record.ollamaName, name)) {
                ours = &record;
            }
        }
        const QString shown = QString::fromStdString(name);
        auto* item = new QListWidgetItem(
            ours ? tr("%1 — our deployment of %2").arg(shown, QString::fromStdString(ours->savedModel)) : shown,
            m_ui->modelsListWidget);
        item->setData(NameRole, shown);
        item->setData(OursRole, ours != nullptr);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(Qt::Unchecked);
    }
    m_ui->statusLabel->setText(listing->names().empty()
                                   ? tr("%1 has no models.").arg(QString::fromStdString(m_server->display()))
                                   : tr("%n model(s) on %1.", nullptr, static_cast<int>(listing->names().size()))
                                         .arg(QString::fromStdString(m_server->display())));
    updateButtons();
}

QStringList ServerModelsDialog::listedModels() const
{
    QStringList names;
    for (int row = 0; row < m_ui->modelsListWidget->count(); ++row) {
        names.append(m_ui->modelsListWidget->item(row)->data(NameRole).toString());
    }
    return names;
}

QStringList ServerModelsDialog::checkedModels() const
{
    QStringList names;
    for (int row = 0; row < m_ui->modelsListWidget->count(); ++row) {
        const QListWidgetItem* item = m_ui->modelsListWidget->item(row);
        if (item->checkState() == Qt::Checked) {
            names.append(item->data(NameRole).toString());
        }
    }
    return names;
}

bool ServerModelsDialog::isOurDeployment(const QString& name) const
{
    for (int row = 0; row < m_ui->modelsListWidget->count(); ++row) {
        const QListWidgetItem* item = m_ui->modelsListWidget->item(row);
        if (item->data(NameRole).toString() == name) {
            return item->data(OursRole).toBool();
        }
    }
    return false;
}

void ServerModelsDialog::setModelChecked(const QString& name, bool checked)
{
    for (int row = 0; row < m_ui->modelsListWidget->count(); ++row) {
        QListWidgetItem* item = m_ui->modelsListWidget->item(row);
        if (item->data(NameRole).toString() == name) {
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        }
    }
}

void ServerModelsDialog::updateButtons()
{
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setEnabled(m_listed && !checkedModels().isEmpty());
    m_ui->refreshButton->setEnabled(m_loaded.has_value());
}

} // namespace deepext::gui
