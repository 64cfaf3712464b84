#include "gui/AddTrainedModelDialog.h"

#include "ui_AddTrainedModelDialog.h"

#include "deepext/base/Naming.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/ModelRegistration.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"

#include <QPushButton>

namespace deepext::gui {
namespace {

struct Registered
{
    QString name;
    QStringList warnings;
};

} // namespace

AddTrainedModelDialog::AddTrainedModelDialog(AppContext& context, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::AddTrainedModelDialog>())
    , m_context(context)
{
    m_ui->setupUi(this);
    connect(m_ui->browseFolderButton, &QPushButton::clicked, this, [this] {
        const QString folder = m_context.prompts().askDirectory(tr("Adapter Folder"));
        if (!folder.isEmpty()) {
            m_ui->folderLineEdit->setText(folder);
        }
    });
    connect(m_ui->folderLineEdit, &QLineEdit::textChanged, this, &AddTrainedModelDialog::validate);
    connect(m_ui->trainNameLineEdit, &QLineEdit::textChanged, this, &AddTrainedModelDialog::validate);
    connect(m_ui->baseComboBox, &QComboBox::currentIndexChanged, this, &AddTrainedModelDialog::validate);
    connect(m_ui->addButton, &QPushButton::clicked, this, &AddTrainedModelDialog::submit);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    validate();
    m_context.run(
        this, [workspace = m_context.workspace()] { return workspace.baseModels(); },
        [this](JobOutcome<std::vector<BaseModelRecord>> outcome) {
            if (outcome.ok()) {
                for (const BaseModelRecord& base : *outcome.value) {
                    const QString name = QString::fromStdString(base.technicalName);
                    m_ui->baseComboBox->addItem(tr("%1 (%2)").arg(name, QString::fromStdString(base.modelName)), name);
                }
            }
            if (m_ui->baseComboBox->count() == 0) {
                m_ui->errorLabel->setText(tr("Add a base model first: a trained model belongs to one base model."));
            }
            validate();
            emit basesLoaded();
        });
}

AddTrainedModelDialog::~AddTrainedModelDialog() = default;

void AddTrainedModelDialog::setFolder(const QString& folder)
{
    m_ui->folderLineEdit->setText(folder);
    m_ui->trainNameLineEdit->setFocus(Qt::OtherFocusReason);
}

int AddTrainedModelDialog::baseCount() const
{
    return m_ui->baseComboBox->count();
}

void AddTrainedModelDialog::validate()
{
    const QString trainName = m_ui->trainNameLineEdit->text().trimmed();
    QString problem;
    if (!trainName.isEmpty()) {
        problem = QString::fromStdString(naming::checkTechnicalName(trainName.toStdString(), "train name"));
    }
    if (!problem.isEmpty() || m_ui->baseComboBox->count() > 0) {
        m_ui->errorLabel->setText(problem);
    }
    m_ui->addButton->setEnabled(!m_busy && problem.isEmpty() && !trainName.isEmpty() &&
                                !m_ui->folderLineEdit->text().trimmed().isEmpty() &&
                                m_ui->baseComboBox->currentIndex() >= 0);
}

void AddTrainedModelDialog::submit()
{
    if (m_busy || !m_ui->addButton->isEnabled()) {
        return;
    }
    m_busy = true;
    validate();
    m_ui->errorLabel->setText(tr("Checking the adapter…"));
    const std::string folder = m_ui->folderLineEdit->text().trimmed().toStdString();
    const std::string base = m_ui->baseComboBox->currentData().toString().toStdString();
    const std::string trainName = m_ui->trainNameLineEdit->text().trimmed().toStdString();
    m_context.run(
        this,
        [workspace = m_context.workspace(), folder, base, trainName] {
            const ModelRegistration registration(workspace);
            const TrainedModelRecord record = registration.addTrainedModel(folder, base, trainName);
            Registered result{QString::fromStdString(record.name), {}};
            for (const auto& warning : registration.warnings()) {
                result.warnings << QString::fromStdString(warning);
            }
            return result;
        },
        [this](JobOutcome<Registered> outcome) {
            m_busy = false;
            if (!outcome.ok()) {
                m_ui->errorLabel->setText(outcome.failure.message);
                validate();
                m_context.prompts().showError(
                    tr("The trained model could not be added: %1").arg(outcome.failure.message),
                    outcome.failure.details);
                return;
            }
            emit m_context.registryChanged();
            if (!outcome.value->warnings.isEmpty()) {
                m_context.prompts().showWarning(tr("%1 was added, with a warning.").arg(outcome.value->name),
                                                outcome.value->warnings.join(QLatin1Char('\n')));
            }
            emit added(outcome.value->name);
            accept();
        });
}

} // namespace deepext::gui
