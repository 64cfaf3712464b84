#include "gui/EvaluateDialog.h"

#include "ui_EvaluateDialog.h"

#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaName.h"
#include "deepext/workflow/EvaluationLog.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/ServerModelsDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QListWidgetItem>
#include <QPushButton>
#include <QSet>
#include <QTableWidgetItem>

#include <algorithm>
#include <utility>

namespace deepext::gui {

namespace {

constexpr int OllamaNameRole = Qt::UserRole;
// Set on a model of the server's own (Add from Server…): its server's URL; the CA file and environment beside it.
constexpr int ServerUrlRole = Qt::UserRole + 1;
constexpr int CaFileRole = Qt::UserRole + 2;
constexpr int EnvironmentRole = Qt::UserRole + 3;

// A checked entry of the list, read on the GUI thread and made a target on the worker pool.
struct TargetChoice
{
    std::string ollamaName;
    std::string serverUrl; // set for a model of the server's own, with its CA file and environment
    std::string caFile;
    std::string environment;
};

// How a target is named in the table, the summary and the detail pane.
QString targetLabel(const DeployedModel& target)
{
    const QString name = QString::fromStdString(target.record().ollamaName);
    return target.isServerModel() ? EvaluateDialog::tr("%1 (server)").arg(name) : name;
}

// What a reply's cell says about how it ended, before the reply itself.
QString endingNote(const EvaluationResult& result, int maxTokens)
{
    if (!result.ok()) {
        return EvaluateDialog::tr("failed: %1").arg(result.outcome.message);
    }
    if (result.reply.doneReason == QLatin1String("length")) {
        return EvaluateDialog::tr("did not stop: reached the limit of %n token(s)", nullptr, maxTokens);
    }
    if (!result.reply.stoppedByItself()) {
        return EvaluateDialog::tr("ended: %1").arg(result.reply.doneReason);
    }
    return {};
}

QString expectedNote(const EvaluationResult& result)
{
    if (!result.containsExpected) {
        return {};
    }
    return *result.containsExpected ? EvaluateDialog::tr("contains the expected text")
                                    : EvaluateDialog::tr("does not contain the expected text");
}

} // namespace

EvaluateDialog::EvaluateDialog(AppContext& context, const QString& selected, QWidget* parent)
    : QDialog(parent)
    , m_ui(std::make_unique<Ui::EvaluateDialog>())
    , m_context(context)
    , m_selected(selected)
{
    m_ui->setupUi(this);
    m_ui->maxTokensSpinBox->setValue(EvaluationRun::DefaultMaxTokens);
    m_ui->progressBar->hide();
    m_ui->resultsSplitter->setStretchFactor(0, 3);
    m_ui->resultsSplitter->setStretchFactor(1, 2);
    m_ui->statusLabel->setText(tr("Reading the deployments…"));
    connect(m_ui->browseButton, &QPushButton::clicked, this, &EvaluateDialog::browse);
    connect(m_ui->addFromServerButton, &QPushButton::clicked, this, &EvaluateDialog::addFromServer);
    connect(m_ui->runButton, &QPushButton::clicked, this, &EvaluateDialog::run);
    connect(m_ui->cancelRunButton, &QPushButton::clicked, this, &EvaluateDialog::cancelRun);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &EvaluateDialog::reject);
    connect(m_ui->promptsLineEdit, &QLineEdit::textChanged, this, [this] { setPhase(m_phase); });
    connect(m_ui->deploymentsListWidget, &QListWidget::itemChanged, this, [this] { setPhase(m_phase); });
    connect(m_ui->resultsTableWidget, &QTableWidget::currentCellChanged, this, &EvaluateDialog::showDetail);
    setPhase(Phase::Idle);
    loadDeployments();
}

EvaluateDialog::~EvaluateDialog()
{
    if (m_run) {
        m_run->disconnect(this);
        m_run->cancel();
    }
    if (m_job) {
        m_context.jobs()->end(m_job);
    }
}

void EvaluateDialog::loadDeployments()
{
    m_context.run(
        this,
        [workspace = m_context.workspace()] {
            // The newest deployed record of each name: what DeployedModel::find will pick.
            std::vector<DeploymentRecord> records = workspace.deployments();
            std::stable_sort(records.begin(), records.end(), [](const DeploymentRecord& a, const DeploymentRecord& b) {
                return a.startedAt > b.startedAt;
            });
            std::vector<DeploymentRecord> deployed;
            QSet<QString> seen;
            for (DeploymentRecord& record : records) {
                const QString key = QString::fromStdString(record.ollamaName).toLower();
                if (record.status == DeploymentStatus::Deployed && !seen.contains(key)) {
                    seen.insert(key);
                    deployed.push_back(std::move(record));
                }
            }
            return deployed;
        },
        [this](JobOutcome<std::vector<DeploymentRecord>> outcome) {
            m_loaded = true;
            if (!outcome.ok()) {
                m_ui->statusLabel->setText(
                    errorText(tr("the deployment records could not be read: %1").arg(outcome.failure.message)));
                setPhase(m_phase);
                return;
            }
            const QSignalBlocker blocker(m_ui->deploymentsListWidget);
            for (const DeploymentRecord& record : *outcome.value) {
                const QString name = QString::fromStdString(record.ollamaName);
                auto* item = new QListWidgetItem(
                    tr("%1 — from %2 (%3, %4)")
                        .arg(name, QString::fromStdString(record.savedModel),
                             QString::fromStdString(record.quantization),
                             QString::fromStdString(record.environment.empty() ? record.url : record.environment)),
                    m_ui->deploymentsListWidget);
                item->setData(OllamaNameRole, name);
                item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
                item->setCheckState(name.compare(m_selected, Qt::CaseInsensitive) == 0 ? Qt::Checked : Qt::Unchecked);
            }
            m_ui->statusLabel->setText(outcome.value->empty() ? tr("No model is deployed: deploy a saved model first, "
                                                                   "or add a model the server has (Add from Server…).")
                                                              : QString());
            setPhase(m_phase);
        });
}

QStringList EvaluateDialog::checkedDeployments() const
{
    QStringList names;
    for (int row = 0; row < m_ui->deploymentsListWidget->count(); ++row) {
        const QListWidgetItem* item = m_ui->deploymentsListWidget->item(row);
        if (item->checkState() == Qt::Checked) {
            names.append(item->data(OllamaNameRole).toString());
        }
    }
    return names;
}

void EvaluateDialog::setPromptFile(const QString& path)
{
    m_ui->promptsLineEdit->setText(path);
}

void EvaluateDialog::setDeploymentChecked(const QString& ollamaName, bool checked)
{
    for (int row = 0; row < m_ui->deploymentsListWidget->count(); ++row) {
        QListWidgetItem* item = m_ui->deploymentsListWidget->item(row);
        if (item->data(OllamaNameRole).toString().compare(ollamaName, Qt::CaseInsensitive) == 0) {
            item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
        }
    }
}

ServerModelsDialog* EvaluateDialog::addFromServer()
{
    if (m_phase != Phase::Idle) {
        return nullptr;
    }
    auto* dialog = new ServerModelsDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (!dialog->server()) {
            return;
        }
        for (const QString& name : dialog->checkedModels()) {
            addServerModel(*dialog->server(), name, dialog->isOurDeployment(name));
        }
    });
    // Not exec(): the event loop (and the listing) goes on, and tests can drive it.
    dialog->open();
    return dialog;
}

void EvaluateDialog::addServerModel(const ServerChoice& server, const QString& name, bool ourDeployment)
{
    QListWidget* list = m_ui->deploymentsListWidget;
    for (int row = 0; row < list->count(); ++row) {
        QListWidgetItem* item = list->item(row);
        if (!ollama::OllamaName::sameModel(item->data(OllamaNameRole).toString().toStdString(), name.toStdString())) {
            continue;
        }
        // One of our deployments is listed already (its card keeps the run); a server model added before is
        // checked again.
        const QString url = item->data(ServerUrlRole).toString();
        if ((url.isEmpty() && ourDeployment) || url.toStdString() == server.url()) {
            item->setCheckState(Qt::Checked);
            return;
        }
    }
    const QString where = server.environment().empty()
                              ? QString::fromStdString(server.display())
                              : QStringLiteral("%1, %2").arg(QString::fromStdString(server.environment()),
                                                             QString::fromStdString(server.display()));
    auto* item = new QListWidgetItem(
        tr("%1 — the server's own model (%2); no saved model, so no card keeps it").arg(name, where), list);
    item->setData(OllamaNameRole, name);
    item->setData(ServerUrlRole, QString::fromStdString(server.url()));
    item->setData(CaFileRole, QString::fromStdString(server.caFile()));
    item->setData(EnvironmentRole, QString::fromStdString(server.environment()));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    item->setCheckState(Qt::Checked);
    m_ui->statusLabel->clear();
}

QStringList EvaluateDialog::checkedServerModels() const
{
    QStringList names;
    for (int row = 0; row < m_ui->deploymentsListWidget->count(); ++row) {
        const QListWidgetItem* item = m_ui->deploymentsListWidget->item(row);
        if (item->checkState() == Qt::Checked && !item->data(ServerUrlRole).toString().isEmpty()) {
            names.append(item->data(OllamaNameRole).toString());
        }
    }
    return names;
}

void EvaluateDialog::browse()
{
    const QString path =
        m_context.prompts().askOpenFile(tr("Prompt File"), tr("Prompt files (*.jsonl *.json *.txt);;All files (*)"));
    if (!path.isEmpty()) {
        m_ui->promptsLineEdit->setText(path);
    }
}

void EvaluateDialog::run()
{
    const QString path = m_ui->promptsLineEdit->text().trimmed();
    const QStringList names = checkedDeployments();
    if (m_phase != Phase::Idle || path.isEmpty() || names.isEmpty()) {
        return;
    }
    m_cancelRequested = false;
    m_keptFiles.clear();
    if (m_run) {
        m_run->deleteLater(); // the previous run's replies go with its table
        m_run = nullptr;
    }
    m_ui->resultsTableWidget->clear();
    m_ui->resultsTableWidget->setRowCount(0);
    m_ui->resultsTableWidget->setColumnCount(0);
    m_ui->detailTextEdit->clear();
    m_ui->summaryLabel->clear();
    m_ui->statusLabel->setText(tr("Reading the prompt file…"));
    m_job = m_context.jobs()->begin(tr("Evaluating %n deployment(s)", nullptr, static_cast<int>(names.size())),
                                    [this] { cancelRun(); });
    setPhase(Phase::Preparing);
    // In the list's order: the table's columns follow it.
    std::vector<TargetChoice> targets;
    for (int row = 0; row < m_ui->deploymentsListWidget->count(); ++row) {
        const QListWidgetItem* item = m_ui->deploymentsListWidget->item(row);
        if (item->checkState() != Qt::Checked) {
            continue;
        }
        targets.push_back(
            {item->data(OllamaNameRole).toString().toStdString(), item->data(ServerUrlRole).toString().toStdString(),
             item->data(CaFileRole).toString().toStdString(), item->data(EnvironmentRole).toString().toStdString()});
    }
    // The prompt file and the registry (whose lock another process may hold) are read off the GUI thread.
    m_context.run(
        this,
        [workspace = m_context.workspace(), file = path.toStdString(), targets] {
            std::vector<EvaluationPrompt> prompts = EvaluationPrompts::read(file);
            std::vector<DeployedModel> found;
            for (const TargetChoice& target : targets) {
                found.push_back(target.serverUrl.empty()
                                    ? DeployedModel::find(workspace, target.ollamaName)
                                    : DeployedModel::onServer(target.serverUrl, target.caFile, target.environment,
                                                              target.ollamaName));
            }
            return std::make_pair(std::move(prompts), std::move(found));
        },
        [this](JobOutcome<std::pair<std::vector<EvaluationPrompt>, std::vector<DeployedModel>>> outcome) {
            if (m_cancelRequested) {
                end(false, tr("Cancelled before the first prompt; nothing was kept."));
                return;
            }
            if (!outcome.ok()) {
                end(false, errorText(outcome.failure.message));
                return;
            }
            startRun(std::move(outcome.value->first), std::move(outcome.value->second));
        });
}

void EvaluateDialog::startRun(std::vector<EvaluationPrompt> prompts, std::vector<DeployedModel> targets)
{
    QTableWidget* table = m_ui->resultsTableWidget;
    table->setRowCount(static_cast<int>(prompts.size()));
    table->setColumnCount(static_cast<int>(targets.size()) + 1);
    QStringList headers{tr("Prompt")};
    QStringList tips{QString()};
    for (const DeployedModel& target : targets) {
        headers.append(targetLabel(target));
        tips.append(target.isServerModel() ? tr("%1: the server's own model at %2")
                                                 .arg(QString::fromStdString(target.record().ollamaName),
                                                      ollama::OllamaHost::display(target.record().url))
                                           : QString::fromStdString(target.record().ollamaName));
    }
    table->setHorizontalHeaderLabels(headers);
    // Generated names are long and differ at the end: the whole name is in the tooltip.
    for (int column = 1; column < table->columnCount(); ++column) {
        table->horizontalHeaderItem(column)->setToolTip(tips[column]);
    }
    for (int row = 0; row < table->rowCount(); ++row) {
        const EvaluationPrompt& prompt = prompts[static_cast<std::size_t>(row)];
        auto* item = new QTableWidgetItem(QString::fromStdString(prompt.prompt).simplified());
        item->setToolTip(QString::fromStdString(prompt.prompt));
        table->setItem(row, 0, item);
    }
    // Room for the replies: the prompt column takes a fixed share, the deployments split the rest.
    const int width = std::max(table->viewport()->width(), 600);
    table->setColumnWidth(0, width / 5);
    for (int column = 1; column < table->columnCount(); ++column) {
        table->setColumnWidth(column, (width - width / 5) / std::max(1, table->columnCount() - 1));
    }

    m_run = new EvaluationRun(m_context.network(), std::move(targets), std::move(prompts),
                              m_ui->maxTokensSpinBox->value(), this);
    connect(m_run, &EvaluationRun::resultReady, this, &EvaluateDialog::showResult);
    connect(m_run, &EvaluationRun::progress, this, [this](int done, int total) {
        m_ui->progressBar->setRange(0, total);
        m_ui->progressBar->setValue(done);
        m_ui->statusLabel->setText(tr("Evaluating: %1 of %2 replies…").arg(done).arg(total));
    });
    connect(m_run, &EvaluationRun::finished, this, &EvaluateDialog::onRunFinished);
    m_ui->progressBar->show();
    setPhase(Phase::Running);
    m_run->start();
}

void EvaluateDialog::showResult(const EvaluationResult& result)
{
    const QString note = endingNote(result, m_run->maxTokens());
    QString text = result.reply.text.simplified();
    if (text.isEmpty() && result.ok()) {
        text = tr("(empty reply)");
    }
    auto* item = new QTableWidgetItem(note.isEmpty() ? text : QStringLiteral("[%1] %2").arg(note, text));
    QString tip = result.reply.text;
    for (const QString& extra : {note, expectedNote(result)}) {
        if (!extra.isEmpty()) {
            tip += QStringLiteral("\n\n— ") + extra;
        }
    }
    item->setToolTip(tip);
    item->setData(Qt::UserRole, result.ok() ? result.reply.doneReason : QStringLiteral("error"));
    m_ui->resultsTableWidget->setItem(result.prompt, result.deployment + 1, item);
    if (m_ui->resultsTableWidget->currentRow() == result.prompt) {
        showDetail();
    }
    showSummary();
}

void EvaluateDialog::showSummary()
{
    if (!m_run) {
        return;
    }
    QStringList parts;
    for (int index = 0; index < static_cast<int>(m_run->targets().size()); ++index) {
        const EvaluationStats stats = m_run->stats(index);
        if (stats.replies == 0) {
            continue;
        }
        QString part = tr("%1: %2 of %3 stopped by themselves")
                           .arg(targetLabel(m_run->targets()[static_cast<std::size_t>(index)]))
                           .arg(stats.stoppedByItself)
                           .arg(stats.replies);
        if (stats.expectedTotal > 0) {
            part += tr(", %1 of %2 expected").arg(stats.expectedMatches).arg(stats.expectedTotal);
        }
        part += tr(", median %1 tokens/s").arg(stats.medianTokensPerSecond, 0, 'f', 1);
        if (stats.failed > 0) {
            part += tr(", %n failed", nullptr, stats.failed);
        }
        parts.append(part);
    }
    m_ui->summaryLabel->setText(parts.join(QLatin1Char('\n')));
}

void EvaluateDialog::showDetail()
{
    const int row = m_ui->resultsTableWidget->currentRow();
    if (!m_run || row < 0 || row >= static_cast<int>(m_run->prompts().size())) {
        m_ui->detailTextEdit->clear();
        return;
    }
    const EvaluationPrompt& prompt = m_run->prompts()[static_cast<std::size_t>(row)];
    QString text = tr("Prompt %1: %2").arg(row + 1).arg(QString::fromStdString(prompt.prompt));
    if (!prompt.system.empty()) {
        text += QLatin1Char('\n') + tr("System: %1").arg(QString::fromStdString(prompt.system));
    }
    if (prompt.expected) {
        text += QLatin1Char('\n') + tr("Expected: %1").arg(QString::fromStdString(*prompt.expected));
    }
    for (const EvaluationResult& result : m_run->results()) {
        if (result.prompt != row) {
            continue;
        }
        QString heading = targetLabel(m_run->targets()[static_cast<std::size_t>(result.deployment)]);
        QStringList notes;
        for (const QString& note : {endingNote(result, m_run->maxTokens()), expectedNote(result)}) {
            if (!note.isEmpty()) {
                notes.append(note);
            }
        }
        if (result.ok()) {
            notes.append(tr("%n token(s)", nullptr, static_cast<int>(result.reply.metrics.evalCount)));
        }
        if (!notes.isEmpty()) {
            heading += QStringLiteral(" (%1)").arg(notes.join(QStringLiteral(", ")));
        }
        text += QStringLiteral("\n\n— %1\n%2").arg(heading, result.reply.text);
    }
    m_ui->detailTextEdit->setPlainText(text);
}

void EvaluateDialog::onRunFinished(bool cancelled)
{
    showSummary();
    if (cancelled) {
        end(false, tr("Cancelled after %1 of %2 replies; nothing was kept.").arg(m_run->done()).arg(m_run->total()));
        return;
    }
    keep();
}

void EvaluateDialog::keep()
{
    setPhase(Phase::Keeping);
    m_ui->statusLabel->setText(tr("Keeping the summary in the model cards…"));
    struct Kept
    {
        QStringList files;
        QStringList gone;
    };
    m_context.run(
        this,
        [workspace = m_context.workspace(), savedModels = m_run->savedModels(), summary = m_run->summary(),
         lines = m_run->resultLines()] {
            Kept kept;
            for (const std::string& saved : savedModels) {
                if (!workspace.savedModelExists(saved)) {
                    kept.gone.append(QString::fromStdString(saved));
                    continue;
                }
                const std::string file = EvaluationLog::add(workspace, saved, summary, lines);
                kept.files.append(QString::fromStdString(workspace.savedModelsDir() + "/" + saved + "/" + file));
            }
            return kept;
        },
        [this](JobOutcome<Kept> outcome) {
            emit m_context.savedModelsChanged();
            if (!outcome.ok()) {
                end(false,
                    errorText(
                        tr("the evaluation could not be kept in the model card: %1").arg(outcome.failure.message)));
                return;
            }
            m_keptFiles = outcome.value->files;
            QString status = m_run->savedModels().empty()
                                 ? tr("Done. Only models of the server were evaluated: no card keeps the summary.")
                             : m_keptFiles.isEmpty()
                                 ? tr("Done; no saved model was left to keep the summary in.")
                                 : tr("Done. The summary is in the model card; the result lines are in %1")
                                       .arg(m_keptFiles.join(QStringLiteral(", ")));
            if (!outcome.value->gone.isEmpty()) {
                status +=
                    QLatin1Char('\n') +
                    tr("Not kept for %1: the saved model is gone.").arg(outcome.value->gone.join(QStringLiteral(", ")));
            }
            const int failed = m_run->stats().failed;
            if (failed > 0) {
                status += QLatin1Char('\n') +
                          tr("%1 of %2 prompts failed; their replies say why.").arg(failed).arg(m_run->total());
            }
            end(true, status);
        });
}

void EvaluateDialog::cancelRun()
{
    if (m_phase == Phase::Preparing) {
        m_cancelRequested = true;
        m_ui->statusLabel->setText(tr("Cancelling…"));
    } else if (m_phase == Phase::Running && m_run) {
        m_run->cancel(); // finished(true) at once
    }
}

void EvaluateDialog::reject()
{
    // Closing while it runs cancels the run; a card being written is finished in the background.
    cancelRun();
    QDialog::reject();
}

void EvaluateDialog::end(bool ok, const QString& status)
{
    if (m_job) {
        m_context.jobs()->end(m_job);
        m_job = 0;
    }
    setPhase(Phase::Idle);
    if (!status.isEmpty()) {
        m_ui->statusLabel->setText(status);
    }
    emit runFinished(ok);
}

QString EvaluateDialog::errorText(const QString& message)
{
    return tr("Cannot evaluate: %1").arg(message);
}

void EvaluateDialog::setPhase(Phase phase)
{
    m_phase = phase;
    const bool idle = phase == Phase::Idle;
    m_ui->promptsLineEdit->setEnabled(idle);
    m_ui->browseButton->setEnabled(idle);
    m_ui->deploymentsListWidget->setEnabled(idle);
    m_ui->addFromServerButton->setEnabled(idle && m_loaded);
    m_ui->maxTokensSpinBox->setEnabled(idle);
    m_ui->runButton->setEnabled(idle && m_loaded && !m_ui->promptsLineEdit->text().trimmed().isEmpty() &&
                                !checkedDeployments().isEmpty());
    m_ui->cancelRunButton->setEnabled(phase == Phase::Preparing || phase == Phase::Running);
}

} // namespace deepext::gui
