#include "gui/DeployJob.h"

#include "deepext/base/Logging.h"
#include "deepext/ollama/OllamaHost.h"
#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"
#include "gui/JobTracker.h"
#include "gui/PostDeployCheckJob.h"

#include <QLocale>

#include <algorithm>

namespace deepext::gui {
namespace {

// Progress arrives per network chunk; the page row, the status bar and an open dialog need only a few updates a
// second.
constexpr qint64 AnnounceIntervalMs = 200;

} // namespace

DeployJob::DeployJob(AppContext& context, ResolvedDeployment resolved, bool autodetectTemplate, bool checkAfterDeploy,
                     QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_resolved(std::move(resolved))
    , m_autodetectTemplate(autodetectTemplate)
    , m_checkAfterDeploy(checkAfterDeploy)
{
}

DeployJob::~DeployJob()
{
    // Ending with the window: what the cancels report no longer reaches this half-destroyed job.
    if (m_operation) {
        m_operation->disconnect(this);
        m_operation->cancel();
    }
    if (m_check) {
        m_check->disconnect(this);
        m_check->cancel();
    }
    if (m_trackerJob) {
        m_context.jobs()->end(m_trackerJob);
    }
}

QString DeployJob::ollamaName() const
{
    return QString::fromStdString(m_record.ollamaName.empty() ? m_resolved.ollamaName : m_record.ollamaName);
}

QString DeployJob::progressText() const
{
    QString text = m_phase;
    if (m_bytesTotal > 0 && m_bytesDone < m_bytesTotal) {
        text +=
            tr(" · %1 of %2").arg(QLocale().formattedDataSize(m_bytesDone), QLocale().formattedDataSize(m_bytesTotal));
        if (m_bytesPerSecond > 0) {
            text += tr(" · %1/s").arg(QLocale().formattedDataSize(m_bytesPerSecond));
        }
    }
    return text;
}

void DeployJob::start()
{
    logging::ui()->info("deploying {} as {} in the background", m_resolved.savedName, m_resolved.ollamaName);
    m_operation = new DeployOperation(m_context.workspace(), m_context.network(), m_context.runner(), this);
    m_phase = tr("Starting…");
    m_speedClock.start();
    m_announceClock.start();
    m_trackerJob = m_context.jobs()->begin(
        tr("Deploying %1 to %2").arg(ollamaName(), ollama::OllamaHost::display(m_resolved.serverUrl)),
        [this] { cancel(); });
    connect(m_operation, &DeployOperation::phaseChanged, this, [this](const QString& phase) {
        m_phase = phase;
        if (!m_recordAnnounced) {
            // The "deploying" record is written before the first phase: the Deployed Models page shows its row.
            m_recordAnnounced = true;
            emit m_context.registryChanged();
        }
        announce();
    });
    connect(m_operation, &DeployOperation::progressChanged, this, &DeployJob::onProgress);
    connect(m_operation, &DeployOperation::statusLine, this, [this](const QString& line) {
        m_statusLines << line;
        emit statusLine(line);
    });
    connect(m_operation, &DeployOperation::warning, this, [this](const QString& text) {
        const QString line = tr("warning: %1").arg(text);
        m_statusLines << line;
        emit statusLine(line);
    });
    connect(m_operation, &DeployOperation::finished, this, &DeployJob::onDeployFinished);
    announce();
    m_operation->start(m_resolved, m_autodetectTemplate);
}

void DeployJob::cancel()
{
    if (m_operation) {
        m_cancelRequested = true;
        m_phase = tr("Cancelling…");
        announce();
        m_operation->cancel();
    } else if (m_check) {
        m_check->cancel();
    }
}

void DeployJob::onProgress(qint64 done, qint64 total)
{
    m_bytesDone = done;
    m_bytesTotal = total;
    const qint64 elapsedMs = m_speedClock.elapsed();
    if (elapsedMs >= 500) {
        m_bytesPerSecond = std::max<qint64>(0, (done - m_speedBytes) * 1000 / elapsedMs);
        m_speedClock.restart();
        m_speedBytes = done;
    }
    if (m_announceClock.elapsed() >= AnnounceIntervalMs || done == total) {
        announce();
    }
}

void DeployJob::announce()
{
    m_announceClock.restart();
    if (m_trackerJob) {
        m_context.jobs()->update(
            m_trackerJob,
            m_check ? tr("Checking that %1 answers").arg(ollamaName())
                    : tr("Deploying %1 to %2: %3")
                          .arg(ollamaName(), ollama::OllamaHost::display(m_resolved.serverUrl), progressText()));
    }
    emit changed();
}

void DeployJob::onDeployFinished(bool ok, const QString& message, const QString& details)
{
    DeployOperation* operation = m_operation;
    m_record = operation->record();
    m_operation = nullptr;
    operation->deleteLater();
    m_cancelled = m_record.status == DeploymentStatus::Cancelled;
    m_phase = ok ? tr("Deployed as %1.").arg(ollamaName()) : message;
    // The record changed whatever the outcome: the Deployed Models page and the card follow.
    emit m_context.registryChanged();
    // The check exists before deployFinished, so whoever listens knows one follows.
    const bool check = ok && m_checkAfterDeploy && !m_cancelRequested;
    if (check) {
        m_phase = tr("Deployed as %1. Checking that the model answers…").arg(ollamaName());
        m_check = new PostDeployCheckJob(m_context, m_record, this);
        connect(m_check, &PostDeployCheckJob::finished, this, &DeployJob::onCheckFinished);
    }
    emit deployFinished(ok, message, details);
    if (!ok && !m_cancelled) {
        // The dialog that started the deploy may be long closed: the failure is the job's to tell.
        m_context.prompts().showError(message, details);
    }
    if (check) {
        startCheck();
        return;
    }
    end();
}

void DeployJob::startCheck()
{
    emit checkStarted();
    announce();
    m_check->start();
}

void DeployJob::onCheckFinished(const QString& outcome, const QString& message)
{
    m_check->deleteLater();
    m_check = nullptr;
    emit checkFinished(outcome, message);
    end();
}

void DeployJob::end()
{
    if (m_ended) {
        return;
    }
    m_ended = true;
    m_context.jobs()->end(m_trackerJob);
    m_trackerJob = 0;
    emit ended();
}

} // namespace deepext::gui
