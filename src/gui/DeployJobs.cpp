#include "gui/DeployJobs.h"

#include "deepext/ollama/OllamaHost.h"
#include "gui/DeployJob.h"

namespace deepext::gui {

DeployJobs::DeployJobs(AppContext& context, QObject* parent)
    : QObject(parent)
    , m_context(context)
{
}

DeployJobs::~DeployJobs()
{
    // Jobs still running when the window goes end with it (recorded as cancelled or, if the process dies first,
    // as interrupted on the next start); quitting asks before it comes to that. Their signals no longer reach here.
    for (const QPointer<DeployJob>& job : std::as_const(m_jobs)) {
        if (job) {
            job->disconnect(this);
            delete job.data();
        }
    }
}

DeployJob* DeployJobs::start(const ResolvedDeployment& resolved, bool autodetectTemplate, bool checkAfterDeploy,
                             QString* refusal)
{
    const QString savedName = QString::fromStdString(resolved.savedName);
    const QString serverUrl = QString::fromStdString(resolved.serverUrl);
    if (DeployJob* running = runningTo(savedName, serverUrl)) {
        if (refusal) {
            *refusal = tr("%1 is already deploying to %2 (as %3); wait for it to end or cancel it.")
                           .arg(savedName, ollama::OllamaHost::display(serverUrl.toStdString()), running->ollamaName());
        }
        return nullptr;
    }
    auto* job = new DeployJob(m_context, resolved, autodetectTemplate, checkAfterDeploy, this);
    m_jobs << job;
    connect(job, &DeployJob::changed, this, [this, job] { emit jobChanged(job); });
    connect(job, &DeployJob::ended, this, [this, job] {
        m_jobs.removeAll(job);
        emit jobEnded(job);
        job->deleteLater();
    });
    emit jobStarted(job);
    job->start();
    return job;
}

DeployJob* DeployJobs::runningTo(const QString& savedName, const QString& serverUrl) const
{
    for (const QPointer<DeployJob>& job : m_jobs) {
        if (job && job->savedName() == savedName &&
            ollama::OllamaHost::display(job->serverUrl().toStdString()) ==
                ollama::OllamaHost::display(serverUrl.toStdString())) {
            return job;
        }
    }
    return nullptr;
}

DeployJob* DeployJobs::runningIn(const QString& savedName, const QString& environment) const
{
    for (const QPointer<DeployJob>& job : m_jobs) {
        if (job && job->savedName() == savedName && job->environment() == environment) {
            return job;
        }
    }
    return nullptr;
}

DeployJob* DeployJobs::newestOf(const QString& savedName) const
{
    for (auto it = m_jobs.crbegin(); it != m_jobs.crend(); ++it) {
        if (*it && (*it)->savedName() == savedName) {
            return *it;
        }
    }
    return nullptr;
}

DeployJob* DeployJobs::byUuid(const QString& uuid) const
{
    for (const QPointer<DeployJob>& job : m_jobs) {
        if (job && job->uuid() == uuid) {
            return job;
        }
    }
    return nullptr;
}

QList<DeployJob*> DeployJobs::jobs() const
{
    QList<DeployJob*> out;
    for (const QPointer<DeployJob>& job : m_jobs) {
        if (job) {
            out << job.data();
        }
    }
    return out;
}

} // namespace deepext::gui
