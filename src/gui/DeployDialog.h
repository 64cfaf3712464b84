#pragma once

#include "deepext/workflow/DeployOperation.h"
#include "gui/PostDeployCheckJob.h"

#include <QDialog>
#include <QElapsedTimer>
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
class ServerStatusLabel;

// Deploy one saved model to an Ollama server: environment, name (checked as typed; a typed name the server already
// has is replaced only after a confirmation), quantization, system prompt,
// parameters, and a preview of the template that will be sent (DeployOperation::resolve, off the GUI thread). The
// deploy itself runs on the event loop with phases, upload bytes and speed, Ollama's status lines and Cancel.
class DeployDialog final : public QDialog
{
    Q_OBJECT

public:
    DeployDialog(AppContext& context, const QString& savedName, QWidget* parent = nullptr);
    ~DeployDialog() override;

    bool isDeploying() const { return m_operation != nullptr || m_starting; }
    bool isChecking() const { return m_checkJob != nullptr; }
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
    void reject() override;

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
    void onFinished(bool ok, const QString& message, const QString& details);
    void startCheck(const DeploymentRecord& deployed);
    void onCheckFinished(const QString& ollamaName, const QString& outcome, const QString& message);

    std::unique_ptr<Ui::DeployDialog> m_ui;
    AppContext& m_context;
    QString m_savedName;
    QPointer<DeployOperation> m_operation;
    QPointer<PostDeployCheckJob> m_checkJob;     // the check after a successful deploy
    std::optional<ResolvedDeployment> m_preview; // the last preview of the generated default name
    QElapsedTimer m_speedClock;
    qint64 m_speedBytes = 0;
    bool m_nameEdited = false;
    bool m_resolveOk = false;
    bool m_resolveRunning = false;
    bool m_resolveQueued = false;
    bool m_closeWhenFinished = false;
    bool m_starting = false;
    bool m_done = false;
    int m_resolves = 0;
    int m_job = 0;
    ServerStatusLabel* m_serverStatusLabel = nullptr;
};

} // namespace deepext::gui
