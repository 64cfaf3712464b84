#pragma once

#include "deepext/workflow/EvaluationRun.h"
#include "deepext/workflow/ServerChoice.h"

#include <QDialog>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace Ui {
class EvaluateDialog;
}

namespace deepext::gui {

class AppContext;
class ServerModelsDialog;

// Evaluate… on the Deployed Models page: a prompt file run against the checked deployments side by side (temperature
// 0, a fixed seed, a token limit), and against models a server already has (Add from Server…: the base, say), one row a
// prompt and one column a deployment, the selected row's full replies below, a summary line per deployment. The prompt
// file and the registry are read on the worker pool, the chats run on the event loop (EvaluationRun); a run that was
// not cancelled is kept in each evaluated saved model's card (EvaluationLog, on the worker pool), and the dialog names
// the result file. Closing it cancels a run.
class EvaluateDialog final : public QDialog
{
    Q_OBJECT

public:
    // `selected` (an Ollama name, may be empty) starts checked.
    EvaluateDialog(AppContext& context, const QString& selected, QWidget* parent = nullptr);
    ~EvaluateDialog() override;

    // The deployments are listed (read in the background).
    bool isLoaded() const { return m_loaded; }
    // From Run until the run is over and kept (or failed, or was cancelled).
    bool isBusy() const { return m_phase != Phase::Idle; }
    // Every checked target's Ollama name, deployments and models of the server alike, in the list's order.
    QStringList checkedDeployments() const;
    // The checked models of the server's own.
    QStringList checkedServerModels() const;
    void setPromptFile(const QString& path);
    void setDeploymentChecked(const QString& ollamaName, bool checked);
    // The absolute paths of the result files the last run kept, one per evaluated saved model.
    QStringList keptResultFiles() const { return m_keptFiles; }

public slots:
    void browse();
    // Opens the list of a server's models (window-modal, not blocking); the models checked there join the list,
    // checked. Returns the dialog (deleted when closed), or nullptr while a run is under way.
    ServerModelsDialog* addFromServer();
    void run();
    void cancelRun();
    void reject() override;

signals:
    // Over: kept (ok), failed before or while keeping (not ok), or cancelled (not ok).
    void runFinished(bool ok);

private:
    enum class Phase
    {
        Idle,
        Preparing, // reading the prompt file and the registry
        Running,
        Keeping, // writing the cards
    };

    void loadDeployments();
    // A model of `server` joins the list, checked; one of our deployments already listed is checked instead.
    void addServerModel(const ServerChoice& server, const QString& name, bool ourDeployment);
    void startRun(std::vector<EvaluationPrompt> prompts, std::vector<DeployedModel> targets);
    void showResult(const EvaluationResult& result);
    void onRunFinished(bool cancelled);
    void keep();
    void end(bool ok, const QString& status);
    void showSummary();
    void showDetail();
    void setPhase(Phase phase);
    static QString errorText(const QString& message);

    std::unique_ptr<Ui::EvaluateDialog> m_ui;
    AppContext& m_context;
    QString m_selected;
    QPointer<EvaluationRun> m_run;
    Phase m_phase = Phase::Idle;
    QStringList m_keptFiles;
    bool m_loaded = false;
    bool m_cancelRequested = false;
    int m_job = 0;
};

} // namespace deepext::gui
