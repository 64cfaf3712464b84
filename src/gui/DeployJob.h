#pragma once

#include "deepext/workflow/DeployOperation.h"
#include "gui/PostDeployCheckJob.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

namespace deepext::gui {

class AppContext;

// One deploy running in the background, and the post-deploy check after it: owned by DeployJobs, not by the dialog
// that started it, so the dialog can close (and open again) while a multi-gigabyte upload goes on. It keeps what a
// dialog attaching later must show (phase, bytes, speed, Ollama's status lines), keeps its line in the
// status bar's job list (a quit asks while it runs) and shows a failure to the user itself, since no dialog may be
// open when it ends.
class DeployJob final : public QObject
{
    Q_OBJECT

public:
    DeployJob(AppContext& context, ResolvedDeployment resolved, bool autodetectTemplate, bool checkAfterDeploy,
              QObject* parent = nullptr);
    ~DeployJob() override;

    void start();
    // Cancels the deploy (recorded as cancelled), or skips the check once the model is deployed.
    void cancel();

    QString savedName() const { return QString::fromStdString(m_resolved.savedName); }
    QString environment() const { return QString::fromStdString(m_resolved.environment); }
    QString serverUrl() const { return QString::fromStdString(m_resolved.serverUrl); }
    QString uuid() const { return QString::fromStdString(m_resolved.deployUuid); }
    // The name in Ollama: the record's once the deploy has ended (a taken generated name draws a fresh suffix).
    QString ollamaName() const;

    bool isDeploying() const { return m_operation != nullptr; }
    bool isChecking() const { return m_check != nullptr; }
    bool isRunning() const { return isDeploying() || isChecking(); }
    bool isCancelling() const { return m_cancelRequested; }

    QString phase() const { return m_phase; }
    qint64 bytesDone() const { return m_bytesDone; }
    qint64 bytesTotal() const { return m_bytesTotal; }
    // Upload speed over the last half second or more; 0 until known.
    qint64 bytesPerSecond() const { return m_bytesPerSecond; }
    // "phase · 1.2 GB of 4.0 GB · 80 MB/s", as the Deployed Models page's row and the dialog show it.
    QString progressText() const;
    QStringList statusLines() const { return m_statusLines; }

    // Once the deploy is over: whether it ended cancelled (its message and the check's come with the signals).
    bool wasCancelled() const { return m_cancelled; }

signals:
    // Phase, bytes or speed changed (at most a few times a second while bytes flow).
    void changed();
    void statusLine(const QString& line);
    void deployFinished(bool ok, const QString& message, const QString& details);
    void checkStarted();
    void checkFinished(const QString& outcome, const QString& message);
    // The deploy and the check (if any) are both over; the job is deleted soon after.
    void ended();

private:
    void onProgress(qint64 done, qint64 total);
    void onDeployFinished(bool ok, const QString& message, const QString& details);
    void startCheck();
    void onCheckFinished(const QString& outcome, const QString& message);
    void announce();
    void end();

    AppContext& m_context;
    ResolvedDeployment m_resolved;
    bool m_autodetectTemplate;
    bool m_checkAfterDeploy;
    QPointer<DeployOperation> m_operation;
    QPointer<PostDeployCheckJob> m_check;
    DeploymentRecord m_record; // the final record, once the deploy has ended
    QString m_phase;
    qint64 m_bytesDone = 0;
    qint64 m_bytesTotal = 0;
    qint64 m_bytesPerSecond = 0;
    qint64 m_speedBytes = 0;
    QElapsedTimer m_speedClock;
    QElapsedTimer m_announceClock;
    QStringList m_statusLines;
    bool m_recordAnnounced = false;
    bool m_cancelRequested = false;
    bool m_cancelled = false;
    bool m_ended = false;
    int m_trackerJob = 0;
};

} // namespace deepext::gui
