#pragma once

#include "deepext/ollama/ChatTypes.h"
#include "deepext/ollama/OllamaResult.h"
#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/EvaluationPrompts.h"

#include <QObject>
#include <QPointer>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

class QNetworkAccessManager;

namespace deepext {

namespace ollama {
class ChatCall;
class OllamaClient;
} // namespace ollama

// One reply of an evaluation: which deployment answered which prompt, what it said and how it ended.
struct EvaluationResult
{
    int deployment = 0; // index into the run's targets
    int prompt = 0;     // index into the run's prompts
    ollama::ChatReply reply;
    ollama::OllamaResult outcome;
    std::optional<bool> containsExpected; // set when the prompt has an "expected" text
    nlohmann::json line;                  // the result line, as `eval` writes it

    bool ok() const { return outcome.ok(); }
};

// Per deployment (or over all of them): the numbers of an evaluation's summary.
struct EvaluationStats
{
    int replies = 0;
    int failed = 0;
    int stoppedByItself = 0;
    int expectedTotal = 0;
    int expectedMatches = 0;
    double medianTokensPerSecond = 0.0; // over the replies that did not fail
};

// Runs every prompt against every deployment (or a model of the server's own, DeployedModel::onServer), one chat at a
// time (deployment after deployment, so a server loads each model once), on the event loop: temperature 0 and a fixed
// seed, so the same prompt gives the same reply, and at most maxTokens a reply. resultReady() after each reply,
// progress(), then finished() once: after the last reply, or from cancel() (synchronously, with the results so far
// kept). Touches no file: the caller keeps the result lines and summary (EvaluationLog::add), off the GUI thread in the
// window. The `eval` command and the Evaluate dialog.
class EvaluationRun final : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultMaxTokens = 512;
    static constexpr int Seed = 42;

    EvaluationRun(QNetworkAccessManager* network, std::vector<DeployedModel> targets,
                  std::vector<EvaluationPrompt> prompts, int maxTokens, QObject* parent = nullptr);
    ~EvaluationRun() override;

    void start();
    void cancel();

    bool isRunning() const { return m_started && !m_finished; }
    bool isFinished() const { return m_finished; }
    bool wasCancelled() const { return m_cancelled; }
    int total() const;
    int done() const { return static_cast<int>(m_results.size()); }
    int maxTokens() const { return m_maxTokens; }
    const std::vector<DeployedModel>& targets() const { return m_targets; }
    const std::vector<EvaluationPrompt>& prompts() const { return m_prompts; }
    // In the order they arrived: deployment after deployment, each one's prompts in file order.
    const std::vector<EvaluationResult>& results() const { return m_results; }

    // The result lines so far, one JSON object and "\n" each.
    std::string resultLines() const;
    // Of one deployment's replies, or of all when `deployment` is empty.
    EvaluationStats stats(std::optional<int> deployment = std::nullopt) const;
    // The summary the card keeps: when, deployments (every target's Ollama name), prompts, replies, failed,
    // stopped_by_itself, expected_total, expected_matches, median_tokens_per_second, max_tokens, and server_models
    // (the targets that were the server's own models) when there were any.
    nlohmann::json summary() const;
    // The saved models the deployments were made from, each once, sorted; a server model has none.
    std::vector<std::string> savedModels() const;

signals:
    void resultReady(const deepext::EvaluationResult& result);
    void progress(int done, int total);
    void finished(bool cancelled);

private:
    void next();
    void onCallFinished();

    QNetworkAccessManager* m_network;
    std::vector<DeployedModel> m_targets;
    std::vector<EvaluationPrompt> m_prompts;
    int m_maxTokens;
    std::vector<ollama::OllamaClient*> m_clients;
    QPointer<ollama::ChatCall> m_call;
    std::vector<EvaluationResult> m_results;
    bool m_started = false;
    bool m_cancelled = false;
    bool m_finished = false;
};

} // namespace deepext
