#pragma once

#include "deepext/workflow/DeployOperation.h"

#include <QDialog>
#include <QPointer>
#include <QString>

#include <memory>
#include <optional>

namespace Ui {
class DeployDialog;
}

class QLabel;

namespace deepext::gui {

class AppContext;
class DeployJob;
class ServerStatusLabel;

// Deploy one saved model to an Ollama server: environment, name (checked as typed; a typed name the server already
// has is replaced only after a confirmation), quantization, system prompt,
// parameters, and a preview of the template that will be sent (DeployOperation::resolve, off the GUI thread). Deploy
// starts a background job (DeployJobs) and shows its phases, upload bytes and speed, Ollama's status lines and
// Cancel; closing the dialog leaves the job running. For a server this saved model is deploying to right now (also
// when the dialog is opened again), the dialog shows that job instead of starting one; choosing another server
// lets a second deploy start beside it.
class DeployDialog final : public QDialog
{
    Q_OBJECT

public:
    DeployDialog(AppContext& context, const QString& savedName, QWidget* parent = nullptr);
    ~DeployDialog() override;

    QString savedName() const { return m_savedName; }
    bool isDeploying() const;
    bool isChecking() const;
    // The background deploy the dialog shows, if one runs for its saved model and the chosen server.
    DeployJob* job() const;
    // Before the environments have loaded: choose this one (and so show its running deploy) instead of the default.
    void showJobIn(const QString& environment) { m_preferredEnvironment = environment; }
    // The preview has been resolved at least once (tests wait for it before clicking Deploy).
    bool isResolved() const { return m_resolves > 0; }

signals:
    void resolved();
    void deployed(const QString& ollamaName);
    void deployFinished(bool ok);
    // The post-deploy check's outcome: ok, did_not_stop, empty, error or skipped.
    void checkFinished(const QString& outcome);

public slots:
    void startDeploy();

private:
    DeployOptions options() const;
    void loadEnvironments();
    void scheduleResolve();
    void resolveNow();
    void validateName();
    // Whether the server of the preview answers, and its version (GET /api/version on the event loop): shown under
    // the environment as soon as the dialog knows the server, again when it changes.
    void updateButtons();
    void confirmReplaceThenLaunch(ResolvedDeployment resolved, bool autodetectTemplate);
    void launch(const ResolvedDeployment& resolved, bool autodetectTemplate);
    // Shows the job running for the chosen environment, if any; otherwise the options for a new deploy.
    void attachToCurrentEnvironment();
    void attach(DeployJob* job);
    void detach();
    void showJobProgress();
    void onFinished(bool ok, const QString& message, const QString& details);
    void onCheckFinished(const QString& outcome, const QString& message);

    std::unique_ptr<Ui::DeployDialog> m_ui;
    AppContext& m_context;
    QString m_savedName;
    QPointer<DeployJob> m_job;                   // the background deploy shown, owned by DeployJobs
    std::optional<ResolvedDeployment> m_preview; // the last preview of the generated default name
    bool m_nameEdited = false;
    bool m_resolveOk = false;
    bool m_resolveRunning = false;
    bool m_resolveQueued = false;
    bool m_starting = false;
    bool m_done = false;
    bool m_environmentsLoaded = false;
    std::optional<QString> m_preferredEnvironment;
    std::optional<QString> m_shownEnvironment; // whose deploy (or options) the dialog shows
    int m_resolves = 0;
    ServerStatusLabel* m_serverStatusLabel = nullptr;
};

} // namespace deepext::gui
