#include "gui/DeployDialog.h"

#include "ui_DeployDialog.h"

#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaCall.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaName.h"
#include "deepext/workflow/DeployOperation.h"
#include "gui/AppContext.h"
#include "gui/DeployJob.h"
#include "gui/DeployJobs.h"
#include "gui/EnvironmentsDialog.h"
#include "gui/IUserPrompts.h"
#include "gui/ServerStatusLabel.h"

#include <QLocale>
#include <QPushButton>
#include <QTimer>

namespace deepext::gui {
namespace {

// A text of the Modelfile's form for what the create request carries (template, system, parameters, license,
// messages), so the user reads in one place everything that will be sent besides the weights.
QString modelfilePreview(const ResolvedDeployment& resolved)
{
    QStringList lines;
    const auto quoted = [](const std::string& text) {
        return QStringLiteral("\"\"\"%1\"\"\"").arg(QString::fromStdString(text));
    };
    if (!resolved.templateText.empty()) {
        lines << QStringLiteral("TEMPLATE ") + quoted(resolved.templateText);
    }
    if (!resolved.system.empty()) {
        lines << QStringLiteral("SYSTEM ") + quoted(resolved.system);
    }
    for (const auto& [key, value] : resolved.parameters.items()) {
        const nlohmann::json values = value.is_array() ? value : nlohmann::json::array({value});
        for (const auto& one : values) {
            lines << QStringLiteral("PARAMETER %1 %2")
                         .arg(QString::fromStdString(key),
                              QString::fromStdString(one.is_string() ? one.get<std::string>() : one.dump()));
        }
    }
    if (!resolved.license.empty()) {
        lines << QStringLiteral("LICENSE ") + quoted(resolved.license);
    }
    for (const auto& message : resolved.messages) {
        lines << QStringLiteral("MESSAGE %1 ").arg(QString::fromStdString(message.value("role", std::string()))) +
                     quoted(message.value("content", std::string()));
    }
    return lines.join(QLatin1Char('\n'));
}

struct EnvironmentChoices
{
    std::vector<EnvironmentRecord> environments;
    std::string defaultName;
};

// Resolving twice tells "the base has no template" apart from other problems: the second try lets Ollama
// autodetect it.
struct ResolveResult
{
    std::optional<ResolvedDeployment> resolved;
    QString error;
    bool missingTemplate = false;
};

} // namespace

DeployDialog::DeployDialog(AppContext& context, const QString& savedName, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::DeployDialog>())
    , m_context(context)
    , m_savedName(savedName)
{
    m_ui->setupUi(this);
    m_ui->savedModelLabel->setText(tr("Saved model: %1").arg(savedName));
    for (const char* quant : {"q4_K_M", "q4_K_S", "q8_0", "no_quantization"}) {
        m_ui->quantizationComboBox->addItem(QString::fromLatin1(quant), QString::fromLatin1(quant));
    }
    // auto: the server's version decides (DeployFormatChooser), once it has answered.
    m_ui->formatComboBox->addItem(tr("Auto"), QStringLiteral("auto"));
    m_ui->formatComboBox->addItem(tr("Safetensors"), QStringLiteral("safetensors"));
    m_ui->formatComboBox->addItem(tr("GGUF"), QStringLiteral("gguf"));
    m_ui->noTemplateLabel->hide();
    m_ui->autodetectTemplateCheckBox->hide();
    m_ui->useBaseTemplateCheckBox->hide(); // shown when the base's template differs from the snapshot
    m_ui->detailsPlainTextEdit->hide();
    m_ui->cancelButton->hide();
    m_ui->progressGroupBox->hide();
    m_ui->phaseLabel->setText(tr("Resolving…"));
    m_serverStatusLabel = new ServerStatusLabel(m_context.network(), this);
    m_ui->optionsFormLayout->insertRow(1, QString(), m_serverStatusLabel);

    connect(m_ui->ollamaNameLineEdit, &QLineEdit::textEdited, this, [this] {
        m_nameEdited = true;
        validateName(); // textChanged may have come first, while the field still counted as the default
    });
    connect(m_ui->ollamaNameLineEdit, &QLineEdit::textChanged, this, &DeployDialog::validateName);
    connect(m_ui->quantizationComboBox, &QComboBox::currentIndexChanged, this, &DeployDialog::scheduleResolve);
    // The preview shows the SYSTEM that will be sent: the typed one.
    connect(m_ui->systemPlainTextEdit, &QPlainTextEdit::textChanged, this, &DeployDialog::scheduleResolve);
    connect(m_ui->environmentComboBox, &QComboBox::currentIndexChanged, this, [this] {
        attachToCurrentEnvironment();
        scheduleResolve();
    });
    connect(m_ui->autodetectTemplateCheckBox, &QCheckBox::toggled, this, &DeployDialog::scheduleResolve);
    connect(m_ui->useBaseTemplateCheckBox, &QCheckBox::toggled, this, &DeployDialog::scheduleResolve);
    connect(m_ui->addParameterButton, &QPushButton::clicked, this, [this] {
        const int row = m_ui->parametersTableWidget->rowCount();
        m_ui->parametersTableWidget->insertRow(row);
        m_ui->parametersTableWidget->setItem(row, 0, new QTableWidgetItem());
        m_ui->parametersTableWidget->setItem(row, 1, new QTableWidgetItem());
        m_ui->parametersTableWidget->editItem(m_ui->parametersTableWidget->item(row, 0));
    });
    connect(m_ui->removeParameterButton, &QPushButton::clicked, this, [this] {
        const int row = m_ui->parametersTableWidget->currentRow();
        if (row >= 0) {
            m_ui->parametersTableWidget->removeRow(row);
        }
    });
    connect(m_ui->manageEnvironmentsButton, &QPushButton::clicked, this, [this] {
        auto* dialog = new EnvironmentsDialog(m_context, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::finished, this, &DeployDialog::loadEnvironments);
        dialog->open();
    });
    connect(m_ui->deployButton, &QPushButton::clicked, this, &DeployDialog::startDeploy);
    connect(m_ui->cancelButton, &QPushButton::clicked, this, [this] {
        if (m_job) {
            m_job->cancel();
            updateButtons();
        }
    });
    connect(m_ui->closeButton, &QPushButton::clicked, this, &DeployDialog::reject);
    updateButtons();
    loadEnvironments();
}

// The deploy goes on without the dialog (DeployJobs owns it).
DeployDialog::~DeployDialog() = default;

bool DeployDialog::isDeploying() const
{
    return m_starting || (m_job && m_job->isDeploying());
}

bool DeployDialog::isChecking() const
{
    return m_job && m_job->isChecking();
}

DeployJob* DeployDialog::job() const
{
    return m_job;
}

void DeployDialog::loadEnvironments()
{
    m_context.run(
        this,
        [workspace = m_context.workspace()] {
            return EnvironmentChoices{workspace.environments(), workspace.defaultEnvironment()};
        },
        [this](JobOutcome<EnvironmentChoices> outcome) {
            const QString previous = m_ui->environmentComboBox->currentData().toString();
            QSignalBlocker blocker(m_ui->environmentComboBox);
            m_ui->environmentComboBox->clear();
            if (!outcome.ok() || outcome.value->environments.empty()) {
                // No environment configured: the core falls back to OLLAMA_HOST, else the local default.
                m_ui->environmentComboBox->addItem(
                    tr("OLLAMA_HOST or local default (%1)")
                        .arg(ollama::OllamaHost::display(ollama::OllamaHost::fromEnvironment())),
                    QString());
            } else {
                for (const EnvironmentRecord& env : outcome.value->environments) {
                    const QString name = QString::fromStdString(env.name);
                    m_ui->environmentComboBox->addItem(
                        env.name == outcome.value->defaultName
                            ? tr("%1 (%2, default)").arg(name, QString::fromStdString(env.url))
                            : tr("%1 (%2)").arg(name, QString::fromStdString(env.url)),
                        name);
                    if ((previous.isEmpty() && env.name == outcome.value->defaultName) || name == previous) {
                        m_ui->environmentComboBox->setCurrentIndex(m_ui->environmentComboBox->count() - 1);
                    }
                }
            }
            // Opened again while this saved model deploys: the dialog shows that deploy (the newest, if several).
            if (!m_environmentsLoaded) {
                m_environmentsLoaded = true;
                const DeployJob* running = m_context.deploys()->newestOf(m_savedName);
                if (m_preferredEnvironment || running) {
                    const int index = m_ui->environmentComboBox->findData(
                        m_preferredEnvironment ? *m_preferredEnvironment : running->environment());
                    if (index >= 0) {
                        m_ui->environmentComboBox->setCurrentIndex(index);
                    }
                }
            }
            attachToCurrentEnvironment();
            scheduleResolve();
        });
}

DeployOptions DeployDialog::options() const
{
    DeployOptions options;
    options.environment = m_ui->environmentComboBox->currentData().toString().toStdString();
    options.quantization = m_ui->quantizationComboBox->currentData().toString().toStdString();
    options.format = m_ui->formatComboBox->currentData().toString().toStdString();
    options.ollamaName = m_ui->ollamaNameLineEdit->text().trimmed().toStdString();
    options.system = m_ui->systemPlainTextEdit->toPlainText().toStdString();
    for (int row = 0; row < m_ui->parametersTableWidget->rowCount(); ++row) {
        const QTableWidgetItem* key = m_ui->parametersTableWidget->item(row, 0);
        const QTableWidgetItem* value = m_ui->parametersTableWidget->item(row, 1);
        if (key && !key->text().trimmed().isEmpty()) {
            options.parameters.push_back(key->text().trimmed().toStdString() + "=" +
                                         (value ? value->text().toStdString() : std::string()));
        }
    }
    options.autodetectTemplate = m_ui->autodetectTemplateCheckBox->isChecked();
    options.templateFrom =
        m_ui->useBaseTemplateCheckBox->isChecked() ? TemplateFrom::Base : TemplateFrom::Snapshot; // --template-from
    return options;
}

void DeployDialog::scheduleResolve()
{
    if (m_resolveRunning) {
        m_resolveQueued = true;
        return;
    }
    resolveNow();
}

void DeployDialog::resolveNow()
{
    m_resolveRunning = true;
    DeployOptions request = options();
    // Until the user types a name of their own, the default follows the quantization.
    if (!m_nameEdited) {
        request.ollamaName.clear();
    }
    request.parameters.clear(); // typed on deploy; a half-typed row must not hide the preview
    m_context.run(
        this,
        [workspace = m_context.workspace(), saved = m_savedName.toStdString(), request] {
            ResolveResult result;
            try {
                result.resolved = DeployOperation::resolve(workspace, saved, request);
            } catch (const Error& error) {
                result.error = QString::fromStdString(error.message());
                if (!request.autodetectTemplate) {
                    DeployOptions autodetect = request;
                    autodetect.autodetectTemplate = true;
                    try {
                        DeployOperation::resolve(workspace, saved, autodetect);
                        result.missingTemplate = true;
                    } catch (const Error&) {
                    }
                }
            }
            return result;
        },
        [this](JobOutcome<ResolveResult> outcome) {
            m_resolveRunning = false;
            if (m_resolveQueued) {
                m_resolveQueued = false;
                resolveNow();
                return;
            }
            ++m_resolves; // only once the preview shows the latest choices
            const ResolveResult result =
                outcome.ok() ? *outcome.value : ResolveResult{{}, outcome.failure.message, false};
            const bool autodetect = m_ui->autodetectTemplateCheckBox->isChecked();
            m_ui->autodetectTemplateCheckBox->setVisible(result.missingTemplate || autodetect);
            m_ui->useBaseTemplateCheckBox->setVisible(m_ui->useBaseTemplateCheckBox->isChecked() ||
                                                      (result.resolved && result.resolved->baseTemplateDiffers));
            m_resolveOk = result.resolved.has_value();
            if (result.resolved && !m_nameEdited) {
                m_preview = result.resolved;
            }
            if (!result.resolved) {
                m_ui->noTemplateLabel->setText(
                    result.missingTemplate
                        ? tr("The base model has no Deployment Template File, so Ollama would not know how to prompt "
                             "this model. Add one on the Base Models page (Update Deployment Template File), or let "
                             "Ollama autodetect it below.\n\n%1")
                              .arg(result.error)
                        : result.error);
                m_ui->noTemplateLabel->show();
                m_ui->templatePlainTextEdit->clear();
                m_ui->templateSourceLabel->clear();
            } else {
                const ResolvedDeployment& resolved = *result.resolved;
                m_serverStatusLabel->check(resolved.serverUrl, resolved.caFile);
                if (!m_nameEdited && !(m_job && m_job->isRunning())) { // a running deploy keeps its name on show
                    m_ui->ollamaNameLineEdit->setText(QString::fromStdString(resolved.ollamaName));
                }
                QStringList warnings;
                for (const auto& warning : resolved.warnings) {
                    warnings << QString::fromStdString(warning);
                }
                m_ui->noTemplateLabel->setText(warnings.join(QLatin1Char('\n')));
                m_ui->noTemplateLabel->setVisible(!warnings.isEmpty());
                if (resolved.templateText.empty()) {
                    m_ui->templateSourceLabel->setText(
                        tr("No template is sent: Ollama autodetects it from tokenizer_config.json."));
                    m_ui->templatePlainTextEdit->setPlainText(modelfilePreview(resolved));
                } else {
                    m_ui->templateSourceLabel->setText(tr("From %1 · server %2")
                                                           .arg(QString::fromStdString(resolved.templateSource),
                                                                QString::fromStdString(resolved.serverUrl)));
                    m_ui->templatePlainTextEdit->setPlainText(modelfilePreview(resolved));
                }
            }
            updateButtons();
            emit resolved();
        });
}

void DeployDialog::validateName()
{
    const QString name = m_ui->ollamaNameLineEdit->text().trimmed();
    // An empty field is not an error until the user empties it: before that the generated default is on its way.
    const std::string problem =
        name.isEmpty() && !m_nameEdited ? std::string() : ollama::OllamaName::validationError(name.toStdString());
    m_ui->nameErrorLabel->setText(QString::fromStdString(problem));
    m_ui->nameErrorLabel->setVisible(!problem.empty());
    // A preview that failed (e.g. over a name) is resolved again with the name now typed, so Deploy comes on the
    // moment the name is valid.
    if (problem.empty() && m_nameEdited && !m_resolveOk) {
        scheduleResolve();
    }
    updateButtons();
}

void DeployDialog::updateButtons()
{
    const bool running = m_starting || (m_job && m_job->isRunning());
    const bool nameOk = !m_ui->ollamaNameLineEdit->text().trimmed().isEmpty() && m_ui->nameErrorLabel->text().isEmpty();
    m_ui->deployButton->setEnabled(!running && !m_done && m_resolveOk && nameOk);
    m_ui->cancelButton->setVisible(m_job && m_job->isRunning());
    m_ui->cancelButton->setEnabled(m_job && !m_job->isCancelling());
    m_ui->cancelButton->setText(m_job && m_job->isChecking() ? tr("Skip Check") : tr("Cancel Deploy"));
    // The deploy runs in the background: the dialog closes at any time, and another server can be chosen to deploy
    // there too.
    m_ui->environmentComboBox->setEnabled(!m_starting);
    m_ui->manageEnvironmentsButton->setEnabled(!m_starting);
    for (QWidget* input : std::initializer_list<QWidget*>{
             m_ui->ollamaNameLineEdit, m_ui->quantizationComboBox, m_ui->formatComboBox, m_ui->systemPlainTextEdit,
             m_ui->parametersTableWidget, m_ui->addParameterButton, m_ui->removeParameterButton,
             m_ui->autodetectTemplateCheckBox, m_ui->useBaseTemplateCheckBox, m_ui->checkAfterDeployCheckBox}) {
        input->setEnabled(!running && !m_done);
    }
}

void DeployDialog::startDeploy()
{
    if (m_starting || (m_job && m_job->isRunning()) || !m_ui->deployButton->isEnabled()) {
        return;
    }
    // Resolved again with everything the user typed (parameters are typed here); the UUID of the previewed
    // default name is kept, so the name shown is the name used and its 4 hex digits are the record's UUID.
    DeployOptions request = options();
    const std::optional<ResolvedDeployment> preview = !m_nameEdited ? m_preview : std::nullopt;
    if (preview) {
        request.ollamaName.clear(); // still the generated default: a collision draws a fresh suffix
    }
    m_starting = true;
    m_ui->phaseLabel->setText(tr("Checking the options…"));
    m_ui->progressGroupBox->show();
    updateButtons();
    m_context.run(
        this,
        [workspace = m_context.workspace(), saved = m_savedName.toStdString(), request] {
            return DeployOperation::resolve(workspace, saved, request);
        },
        [this, preview, autodetect = request.autodetectTemplate](JobOutcome<ResolvedDeployment> outcome) {
            m_starting = false;
            if (!outcome.ok()) {
                m_ui->phaseLabel->setText(outcome.failure.message);
                updateButtons();
                m_context.prompts().showError(outcome.failure.message, outcome.failure.details);
                emit deployFinished(false);
                return;
            }
            ResolvedDeployment resolved = std::move(*outcome.value);
            if (preview) {
                resolved.deployUuid = preview->deployUuid;
                resolved.ollamaName = preview->ollamaName;
                launch(resolved, autodetect); // a generated name that is taken gets a fresh suffix, never replaces
                return;
            }
            confirmReplaceThenLaunch(std::move(resolved), autodetect);
        });
}

void DeployDialog::confirmReplaceThenLaunch(ResolvedDeployment resolved, bool autodetectTemplate)
{
    // A typed name the server already has replaces that model only when the user says so. The Deployer checks
    // again before any upload; this asks first, so the answer is the user's.
    m_starting = true;
    m_ui->phaseLabel->setText(
        tr("Checking whether the server has %1…").arg(QString::fromStdString(resolved.ollamaName)));
    updateButtons();
    auto* client =
        new ollama::OllamaClient(m_context.network(), QUrl(QString::fromStdString(resolved.serverUrl)), this);
    if (!resolved.caFile.empty()) {
        try {
            client->setCaFile(QString::fromStdString(resolved.caFile));
        } catch (const Error&) {
            // The deploy reports the CA file with its own message.
        }
    }
    ollama::OllamaCall* call = client->tags();
    connect(call, &ollama::OllamaCall::finished, this,
            [this, client, call, resolved = std::move(resolved),
             autodetectTemplate](const ollama::OllamaResult& result) mutable {
                call->deleteLater();
                client->deleteLater();
                m_starting = false;
                bool exists = false;
                for (const std::string& name :
                     result.ok() ? ollama::OllamaCall::modelNames(result.json) : std::vector<std::string>()) {
                    exists = exists || ollama::OllamaName::sameModel(name, resolved.ollamaName);
                }
                // When the server does not answer here, the deploy says so with its own message.
                if (exists) {
                    const QString shown = QString::fromStdString(ollama::OllamaName::displayForm(resolved.ollamaName));
                    const QString server = ollama::OllamaHost::display(resolved.serverUrl);
                    if (!m_context.prompts().confirm(
                            tr("Replace %1?").arg(shown),
                            tr("Ollama at %1 already has a model named %2. Deploying replaces it with %3.")
                                .arg(server, shown, m_savedName),
                            {}, tr("Replace"))) {
                        m_ui->phaseLabel->setText(
                            tr("Not deployed: %1 already exists on %2; choose another name.").arg(shown, server));
                        updateButtons();
                        return;
                    }
                    resolved.replaceExisting = true;
                }
                launch(resolved, autodetectTemplate);
            });
}

void DeployDialog::launch(const ResolvedDeployment& resolved, bool autodetectTemplate)
{
    QString refusal;
    DeployJob* job =
        m_context.deploys()->start(resolved, autodetectTemplate, m_ui->checkAfterDeployCheckBox->isChecked(), &refusal);
    if (!job) {
        m_ui->phaseLabel->setText(refusal);
        updateButtons();
        emit deployFinished(false);
        return;
    }
    attach(job);
    // The preview's UUID and name are the job's now: a next deploy (to another server) waits for a fresh one.
    m_resolveOk = false;
    m_preview.reset();
    scheduleResolve();
}

void DeployDialog::attachToCurrentEnvironment()
{
    const QString environment = m_ui->environmentComboBox->currentData().toString();
    DeployJob* job = m_context.deploys()->runningIn(m_savedName, environment);
    const bool sameEnvironment = m_shownEnvironment == environment;
    m_shownEnvironment = environment;
    if (job) {
        if (job != m_job) {
            attach(job);
        }
        return;
    }
    if (sameEnvironment) {
        return; // the environments were reloaded: what is shown (a deploy's outcome) stays
    }
    // Another server: the deploy there goes on in the background; this one starts afresh, once the preview for
    // this server has come.
    detach();
    m_done = false;
    m_resolveOk = false;
    m_ui->progressGroupBox->hide();
    m_ui->detailsPlainTextEdit->hide();
    updateButtons();
}

void DeployDialog::attach(DeployJob* job)
{
    detach();
    m_job = job;
    m_done = false;
    {
        const QSignalBlocker blocker(m_ui->ollamaNameLineEdit); // shown, not typed: the default still follows
        m_ui->ollamaNameLineEdit->setText(job->ollamaName());
        m_ui->nameErrorLabel->clear();
        m_ui->nameErrorLabel->hide();
    }
    m_ui->detailsPlainTextEdit->hide();
    m_ui->statusLinesPlainTextEdit->setPlainText(job->statusLines().join(QLatin1Char('\n')));
    m_ui->progressGroupBox->show();
    showJobProgress();
    connect(job, &DeployJob::changed, this, &DeployDialog::showJobProgress);
    connect(job, &DeployJob::statusLine, this,
            [this](const QString& line) { m_ui->statusLinesPlainTextEdit->appendPlainText(line); });
    connect(job, &DeployJob::deployFinished, this, &DeployDialog::onFinished);
    connect(job, &DeployJob::checkStarted, this, [this] {
        showJobProgress();
        updateButtons();
    });
    connect(job, &DeployJob::checkFinished, this, &DeployDialog::onCheckFinished);
    updateButtons();
}

void DeployDialog::detach()
{
    if (m_job) {
        m_job->disconnect(this);
    }
    m_job = nullptr;
}

void DeployDialog::showJobProgress()
{
    if (!m_job) {
        return;
    }
    m_ui->phaseLabel->setText(m_job->phase());
    if (m_job->isChecking() || m_job->bytesTotal() <= 0) {
        m_ui->deployProgressBar->setRange(0, 0);
        m_ui->speedLabel->clear();
        return;
    }
    // Permille keeps the bar's int range safe for files larger than 2 GiB.
    m_ui->deployProgressBar->setRange(0, 1000);
    m_ui->deployProgressBar->setValue(static_cast<int>(m_job->bytesDone() * 1000 / m_job->bytesTotal()));
    if (m_job->bytesPerSecond() > 0) {
        m_ui->speedLabel->setText(tr("%1 of %2 · %3/s")
                                      .arg(QLocale().formattedDataSize(m_job->bytesDone()),
                                           QLocale().formattedDataSize(m_job->bytesTotal()),
                                           QLocale().formattedDataSize(m_job->bytesPerSecond())));
    }
}

void DeployDialog::onFinished(bool ok, const QString& message, const QString& details)
{
    const bool cancelled = m_job && m_job->wasCancelled();
    const QString ollamaName = m_job ? m_job->ollamaName() : QString();
    const bool checking = m_job && m_job->isChecking();
    if (!checking) {
        detach(); // the job is over and goes; what it said stays on show
    }
    m_ui->deployProgressBar->setRange(0, 1000);
    if (ok) {
        m_done = true;
        m_ui->deployProgressBar->setValue(1000);
        m_ui->phaseLabel->setText(tr("Deployed as %1.").arg(ollamaName));
        m_ui->closeButton->setDefault(true);
        emit deployed(ollamaName);
        if (checking) {
            m_ui->phaseLabel->setText(tr("Deployed as %1. Checking that the model answers…").arg(ollamaName));
            m_ui->deployProgressBar->setRange(0, 0);
            updateButtons();
            return; // deployFinished once the check is over
        }
    } else {
        m_ui->phaseLabel->setText(cancelled ? tr("Cancelled. %1").arg(message) : message);
        if (!details.isEmpty()) {
            m_ui->detailsPlainTextEdit->setPlainText(details);
            m_ui->detailsPlainTextEdit->show();
        }
        scheduleResolve(); // a new attempt draws a new UUID (and default name): the failed record stays as it is
    }
    updateButtons();
    emit deployFinished(ok);
}

void DeployDialog::onCheckFinished(const QString& outcome, const QString& message)
{
    const QString ollamaName = m_job ? m_job->ollamaName() : QString();
    detach();
    m_ui->deployProgressBar->setRange(0, 1000);
    m_ui->deployProgressBar->setValue(1000);
    if (outcome == QLatin1String("ok")) {
        m_ui->phaseLabel->setText(tr("Deployed as %1. It answered and stopped by itself.").arg(ollamaName));
    } else if (outcome == QLatin1String("skipped")) {
        m_ui->phaseLabel->setText(tr("Deployed as %1. The check was skipped.").arg(ollamaName));
    } else {
        // The model exists: a failed check is a warning to act on, never a failed deploy.
        m_ui->phaseLabel->setText(
            tr("Deployed as %1, but the check says %2: the model may not work as expected.").arg(ollamaName, outcome));
        m_ui->statusLinesPlainTextEdit->appendPlainText(tr("check: %1: %2").arg(outcome, message));
        m_ui->detailsPlainTextEdit->setPlainText(message);
        m_ui->detailsPlainTextEdit->show();
    }
    updateButtons();
    emit checkFinished(outcome);
    emit deployFinished(true);
}

} // namespace deepext::gui
