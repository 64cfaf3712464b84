#include "gui/BaseModelsPage.h"

#include "ui_BaseModelsPage.h"

#include "deepext/base/Workspace.h"
#include "deepext/workflow/ModelRegistration.h"
#include "gui/AddBaseModelDialog.h"
#include "gui/AppContext.h"
#include "gui/CardText.h"
#include "gui/IUserPrompts.h"
#include "gui/MarkdownPane.h"

namespace deepext::gui {

BaseModelsPage::BaseModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::BaseModelsPage>())
    , m_context(context)
{
    m_ui->setupUi(this);
    m_ui->baseModelsSplitter->setStretchFactor(0, 2);
    m_ui->baseModelsSplitter->setStretchFactor(1, 3);
    connect(m_ui->baseModelsListWidget, &QListWidget::currentItemChanged, this, &BaseModelsPage::showFacts);
    connect(m_ui->addBaseModelButton, &QPushButton::clicked, this, &BaseModelsPage::addBaseModel);
    connect(m_ui->updateTemplateButton, &QPushButton::clicked, this, &BaseModelsPage::updateTemplate);
    connect(&m_context, &AppContext::registryChanged, this, &BaseModelsPage::reload);
    m_ui->updateTemplateButton->setEnabled(false);
    reload();
}

BaseModelsPage::~BaseModelsPage() = default;

void BaseModelsPage::reload()
{
    if (m_loadRunning) {
        m_reloadQueued = true;
        return;
    }
    m_loadRunning = true;
    m_context.run(
        this, [workspace = m_context.workspace()] { return workspace.baseModels(); },
        [this](JobOutcome<std::vector<BaseModelRecord>> outcome) {
            m_loadRunning = false;
            if (outcome.ok()) {
                applyRecords(std::move(*outcome.value));
            } else {
                m_context.prompts().showError(tr("The base models could not be read: %1").arg(outcome.failure.message),
                                              outcome.failure.details);
            }
            if (m_reloadQueued) {
                m_reloadQueued = false;
                reload();
            }
        });
}

void BaseModelsPage::applyRecords(std::vector<BaseModelRecord> records)
{
    const QString current = currentName();
    QSignalBlocker blocker(m_ui->baseModelsListWidget);
    m_ui->baseModelsListWidget->clear();
    m_records.clear();
    for (BaseModelRecord& record : records) {
        const QString name = QString::fromStdString(record.technicalName);
        auto* item = new QListWidgetItem(record.templateText.empty() ? tr("%1 (no template)").arg(name) : name,
                                         m_ui->baseModelsListWidget);
        item->setData(Qt::UserRole, name);
        item->setToolTip(QString::fromStdString(record.path));
        m_records.insert(name, std::move(record));
        if (name == current) {
            m_ui->baseModelsListWidget->setCurrentItem(item);
        }
    }
    if (!m_ui->baseModelsListWidget->currentItem() && m_ui->baseModelsListWidget->count() > 0) {
        m_ui->baseModelsListWidget->setCurrentRow(0);
    }
    blocker.unblock();
    showFacts();
    emit loaded(static_cast<int>(m_records.size()));
}

QString BaseModelsPage::currentName() const
{
    const QListWidgetItem* item = m_ui->baseModelsListWidget->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

int BaseModelsPage::modelCount() const
{
    return m_ui->baseModelsListWidget->count();
}

void BaseModelsPage::showFacts()
{
    const QString name = currentName();
    m_ui->updateTemplateButton->setEnabled(m_records.contains(name));
    if (!m_records.contains(name)) {
        m_ui->baseFactsTextBrowser->clear();
        return;
    }
    // Facts come from the registry already in memory: no disk work here.
    MarkdownPane::show(m_ui->baseFactsTextBrowser, CardText::baseModel(m_records.value(name)));
}

void BaseModelsPage::addBaseModel()
{
    auto* dialog = new AddBaseModelDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &AddBaseModelDialog::added, this, &BaseModelsPage::reload);
    dialog->open();
}

void BaseModelsPage::updateTemplate()
{
    const QString name = currentName();
    if (name.isEmpty()) {
        return;
    }
    const QString file =
        m_context.prompts().askOpenFile(tr("Deployment Template File for %1").arg(name),
                                        tr("Templates (*.template *.tmpl *.txt Modelfile*);;All files (*)"));
    if (file.isEmpty()) {
        return;
    }
    m_context.run(
        this,
        [workspace = m_context.workspace(), name = name.toStdString(), file = file.toStdString()] {
            ModelRegistration(workspace).setBaseTemplate(name, file);
        },
        [this, name](JobOutcome<std::monostate> outcome) {
            if (!outcome.ok()) {
                m_context.prompts().showError(tr("The Deployment Template File of %1 could not be updated: %2")
                                                  .arg(name, outcome.failure.message),
                                              outcome.failure.details);
                return;
            }
            emit m_context.registryChanged();
            emit templateUpdated(name);
        });
}

} // namespace deepext::gui
