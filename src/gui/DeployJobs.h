#pragma once

#include "deepext/workflow/DeployOperation.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

namespace deepext::gui {

class AppContext;
class DeployJob;

// The deploys running in the background, at most one per saved model and server: several saved models, or one saved
// model to several servers, deploy at once. The deploy dialog starts and attaches to them; the Deployed Models page
// shows their progress on their rows and cancels them; the status bar lists them (JobTracker). A job leaves the list
// when it has ended (deploy and check) and is deleted from the event loop.
class DeployJobs final : public QObject
{
    Q_OBJECT

public:
    explicit DeployJobs(AppContext& context, QObject* parent = nullptr);
    ~DeployJobs() override;

    // Starts the deploy; nullptr, with the reason in *refusal, when that saved model is deploying to that server.
    DeployJob* start(const ResolvedDeployment& resolved, bool autodetectTemplate, bool checkAfterDeploy,
                     QString* refusal = nullptr);
    // The running job of that saved model to that server (by URL) or environment (by name), or nullptr.
    DeployJob* runningTo(const QString& savedName, const QString& serverUrl) const;
    DeployJob* runningIn(const QString& savedName, const QString& environment) const;
    // The newest running job of that saved model, or nullptr.
    DeployJob* newestOf(const QString& savedName) const;
    // The job writing the deployment record with that UUID, or nullptr.
    DeployJob* byUuid(const QString& uuid) const;
    QList<DeployJob*> jobs() const;
    int count() const { return static_cast<int>(m_jobs.size()); }

signals:
    void jobStarted(deepext::gui::DeployJob* job);
    // Progress or phase of a running job changed.
    void jobChanged(deepext::gui::DeployJob* job);
    void jobEnded(deepext::gui::DeployJob* job);

private:
    AppContext& m_context;
    QList<QPointer<DeployJob>> m_jobs; // oldest first
};

} // namespace deepext::gui
