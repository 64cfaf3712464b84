#include "gui/BaseModelsPage.h"

#include "ui_BaseModelsPage.h"

#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCardRenderer.h"
#include "deepext/workflow/ModelRegistration.h"
#include "gui/AddBaseModelDialog.h"
#include "gui/AppContext.h"
#include "gui/BaseModelListModel.h"
#include "gui/CardPane.h"
#include "gui/CoalescedLoader.h"
#include "gui/FolderDrop.h"
#include "gui/IUserPrompts.h"
#include "gui/LayoutMemory.h"

#include <QDragEnterEvent>
#include <QDropEvent>

namespace deepext::gui {

BaseModelsPage::BaseModelsPage(AppContext& context, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::BaseModelsPage>())
    , m_context(context)
    , m_model(new BaseModelListModel(this))
    , m_loader(new CoalescedLoader(context, this))
{
    m_ui->setupUi(this);
    m_ui->baseModelsListView->setModel(m_model);
    m_ui->baseModelsSplitter->setStretchFactor(0, 2);
    m_ui->baseModelsSplitter->setStretchFactor(1, 3);
    if (!LayoutMemory::keep(m_ui->baseModelsSplitter, QStringLiteral("BaseModelsPage/splitter"))) {
        m_ui->baseModelsSplitter->setSizes({300, 700}); // in proportion: the card gets the room
    }
    m_ui->baseCardPane->setFolderOpener([this](const QString& folder) { m_context.openFolder(folder); });
    // A model folder dropped anywhere on the page opens Add Base Model with it.
    setAcceptDrops(true);
    connect(m_ui->baseModelsListView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &BaseModelsPage::showFacts);
    // A reload that changes the shown record (a new template) updates the pane.
    connect(m_model, &QAbstractItemModel::dataChanged, this, &BaseModelsPage::showFacts);
    connect(m_ui->addBaseModelButton, &QPushButton::clicked, this, [this] { addBaseModel(); });
    connect(m_ui->updateTemplateButton, &QPushButton::clicked, this, &BaseModelsPage::updateTemplate);
    connect(&m_context, &AppContext::registryChanged, this, &BaseModelsPage::reload);
    m_loader->setJob([workspace = m_context.workspace()] { return workspace.baseModels(); },
                     [this](JobOutcome<std::vector<BaseModelRecord>> outcome) {
                         if (!outcome.ok()) {
                             m_context.prompts().showError(
                                 tr("The base models could not be read: %1").arg(outcome.failure.message),
                                 outcome.failure.details);
                             return;
                         }
                         m_model->setRows(std::move(*outcome.value));
                         if (!m_ui->baseModelsListView->currentIndex().isValid() && m_model->rowCount() > 0) {
                             m_ui->baseModelsListView->setCurrentIndex(m_model->index(0, 0));
                         }
                         showFacts();
                         emit loaded(m_model->rowCount());
                     });
    m_ui->updateTemplateButton->setEnabled(false);
    reload();
}

BaseModelsPage::~BaseModelsPage() = default;

void BaseModelsPage::reload()
{
    m_loader->request();
}

void BaseModelsPage::selectModel(const QString& technicalName)
{
    const int row = m_model->rowOf(technicalName);
    if (row >= 0) {
        m_ui->baseModelsListView->setCurrentIndex(m_model->index(row, 0));
    }
}

QString BaseModelsPage::currentName() const
{
    return m_ui->baseModelsListView->currentIndex().data(BaseModelListModel::NameRole).toString();
}

int BaseModelsPage::modelCount() const
{
    return m_model->rowCount();
}

void BaseModelsPage::showFacts()
{
    const BaseModelRecord* record = m_model->find(currentName());
    m_ui->updateTemplateButton->setEnabled(record != nullptr);
    if (!record) {
        m_ui->baseCardPane->clear();
        return;
    }
    // Facts come from the registry already in memory: no disk work here. An unchanged card is left as it is.
    m_ui->baseCardPane->showDocument(ModelCardRenderer::baseModelDocument(*record));
}

void BaseModelsPage::addBaseModel(const QString& folder)
{
    auto* dialog = new AddBaseModelDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!folder.isEmpty()) {
        dialog->setFolder(folder);
    }
    connect(dialog, &AddBaseModelDialog::added, this, &BaseModelsPage::reload);
    dialog->open();
}

void BaseModelsPage::dragEnterEvent(QDragEnterEvent* event)
{
    if (FolderDrop::offersUrls(event->mimeData())) {
        event->acceptProposedAction();
    }
}

void BaseModelsPage::dropEvent(QDropEvent* event)
{
    event->acceptProposedAction();
    FolderDrop::resolve(m_context, this, event->mimeData(), tr("base model"), tr("config.json and *.safetensors"),
                        [this](const QString& folder) { addBaseModel(folder); });
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
