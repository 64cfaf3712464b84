#include "gui/AddBaseModelDialog.h"

#include "ui_AddBaseModelDialog.h"

#include "deepext/base/Naming.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/ModelRegistration.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"

#include <QPushButton>

namespace deepext::gui {

AddBaseModelDialog::AddBaseModelDialog(AppContext& context, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AddBaseModelDialog>())
    , m_context(context)
{
    m_ui->setupUi(this);
    connect(m_ui->browseFolderButton, &QPushButton::clicked, this, [this] {
        const QString folder = m_context.prompts().askDirectory(tr("Base Model Folder"));
        if (!folder.isEmpty()) {
            m_ui->folderLineEdit->setText(folder);
        }
    });
    connect(m_ui->browseTemplateButton, &QPushButton::clicked, this, [this] {
        const QString file = m_context.prompts().askOpenFile(tr("Deployment Template File"));
        if (!file.isEmpty()) {
            m_ui->templateFileLineEdit->setText(file);
        }
    });
    connect(m_ui->folderLineEdit, &QLineEdit::textChanged, this, &AddBaseModelDialog::validate);
    connect(m_ui->technicalNameLineEdit, &QLineEdit::textChanged, this, &AddBaseModelDialog::validate);
    connect(m_ui->addButton, &QPushButton::clicked, this, &AddBaseModelDialog::submit);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    validate();
}

AddBaseModelDialog::~AddBaseModelDialog() = default;

void AddBaseModelDialog::setFolder(const QString& folder)
{
    m_ui->folderLineEdit->setText(folder);
    m_ui->technicalNameLineEdit->setFocus(Qt::OtherFocusReason);
}

void AddBaseModelDialog::validate()
{
    const QString name = m_ui->technicalNameLineEdit->text().trimmed();
    const QString problem =
        name.isEmpty() ? QString() : QString::fromStdString(naming::checkTechnicalName(name.toStdString()));
    m_ui->errorLabel->setText(problem);
    m_ui->addButton->setEnabled(!m_busy && problem.isEmpty() && !name.isEmpty() &&
                                !m_ui->folderLineEdit->text().trimmed().isEmpty());
}

void AddBaseModelDialog::submit()
{
    if (m_busy || !m_ui->addButton->isEnabled()) {
        return;
    }
    m_busy = true;
    validate();
    m_ui->errorLabel->setText(tr("Reading the model folder…"));
    const std::string folder = m_ui->folderLineEdit->text().trimmed().toStdString();
    const std::string name = m_ui->technicalNameLineEdit->text().trimmed().toStdString();
    const std::string modelName = m_ui->modelNameLineEdit->text().trimmed().toStdString();
    const std::string templateFile = m_ui->templateFileLineEdit->text().trimmed().toStdString();
    m_context.run(
        this,
        [workspace = m_context.workspace(), folder, name, modelName, templateFile] {
            return QString::fromStdString(
                ModelRegistration(workspace).addBaseModel(folder, name, modelName, templateFile).technicalName);
        },
        [this](JobOutcome<QString> outcome) {
            m_busy = false;
            if (!outcome.ok()) {
                validate();
                m_ui->errorLabel->setText(outcome.failure.message);
                m_context.prompts().showError(tr("The base model could not be added: %1").arg(outcome.failure.message),
                                              outcome.failure.details);
                return;
            }
            emit m_context.registryChanged();
            emit added(*outcome.value);
            accept();
        });
}

} // namespace deepext::gui
