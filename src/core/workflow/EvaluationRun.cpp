#include "deepext/workflow/EvaluationRun.h"

#include "deepext/base/Records.h"
#include "deepext/ollama/ChatCall.h"
#include "deepext/ollama/OllamaClient.h"

#include <algorithm>
#include <set>

namespace deepext {

namespace {

double median(std::vector<double> values)
{
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

} // namespace

EvaluationRun::EvaluationRun(QNetworkAccessManager* network, std::vector<DeployedModel> targets,
                             std::vector<EvaluationPrompt> prompts, int maxTokens, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_targets(std::move(targets))
    , m_prompts(std::move(prompts))
    , m_maxTokens(maxTokens)
{
}

EvaluationRun::~EvaluationRun()
{
    // A call still under way is not reported to anyone any more.
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
}

int EvaluationRun::total() const
{
    return static_cast<int>(m_targets.size() * m_prompts.size());
}

void EvaluationRun::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    for (const DeployedModel& target : m_targets) {
        m_clients.push_back(target.client(m_network, this));
    }
    emit progress(0, total());
    next();
}

void EvaluationRun::cancel()
{
    if (!m_started || m_finished) {
        return;
    }
    m_cancelled = true;
    m_finished = true;
    if (m_call) {
        // Its finished() would arrive synchronously with a partial reply: not a result.
        m_call->disconnect(this);
        m_call->cancel();
        m_call->deleteLater();
    }
    emit finished(true);
}

void EvaluationRun::next()
{
    if (m_finished) {
        return;
    }
    if (done() >= total()) {
        m_finished = true;
        emit finished(false);
        return;
    }
    const auto promptCount = static_cast<int>(m_prompts.size());
    const int deployment = done() / promptCount;
    const EvaluationPrompt& prompt = m_prompts[static_cast<std::size_t>(done() % promptCount)];
    ollama::ChatRequest request;
    request.model = QString::fromStdString(m_targets[static_cast<std::size_t>(deployment)].record().ollamaName);
    request.system = QString::fromStdString(prompt.system);
    request.messages.append(ollama::ChatMessage{QStringLiteral("user"), QString::fromStdString(prompt.prompt)});
    request.options.numPredict = m_maxTokens;
    request.options.temperature = 0.0;
    request.options.seed = Seed;
    m_call = m_clients[static_cast<std::size_t>(deployment)]->chat(request);
    connect(m_call, &ollama::ChatCall::finished, this, &EvaluationRun::onCallFinished);
}

void EvaluationRun::onCallFinished()
{
    ollama::ChatCall* call = m_call;
    m_call = nullptr;
    const auto promptCount = static_cast<int>(m_prompts.size());
    EvaluationResult result;
    result.deployment = done() / promptCount;
    result.prompt = done() % promptCount;
    result.reply = call->reply();
    result.outcome = call->result();
    call->deleteLater();

    const DeployedModel& target = m_targets[static_cast<std::size_t>(result.deployment)];
    const EvaluationPrompt& prompt = m_prompts[static_cast<std::size_t>(result.prompt)];
    nlohmann::json line = {{"deployment", target.record().ollamaName},
                           {"prompt_index", result.prompt},
                           {"reply", result.reply.text.toStdString()}};
    if (target.isServerModel()) {
        // Named like a deployment, but not one of ours: no saved model, no card.
        line["source"] = "server";
    }
    if (result.outcome.ok()) {
        line["done_reason"] = result.reply.doneReason.toStdString();
        line["tokens"] = result.reply.metrics.evalCount;
        line["tokens_per_second"] = result.reply.metrics.tokensPerSecond();
    } else {
        line["done_reason"] = nullptr;
        line["error"] = result.outcome.message.toStdString();
    }
    if (prompt.expected) {
        // Also counted for a failed call: the reply so far may already say it.
        result.containsExpected =
            result.reply.text.contains(QString::fromStdString(*prompt.expected), Qt::CaseSensitive);
        line["contains_expected"] = *result.containsExpected;
    }
    result.line = std::move(line);
    m_results.push_back(std::move(result));
    emit resultReady(m_results.back());
    emit progress(done(), total());
    next();
}

std::string EvaluationRun::resultLines() const
{
    std::string lines;
    for (const EvaluationResult& result : m_results) {
        lines += result.line.dump() + "\n";
    }
    return lines;
}

EvaluationStats EvaluationRun::stats(std::optional<int> deployment) const
{
    EvaluationStats stats;
    std::vector<double> rates;
    for (const EvaluationResult& result : m_results) {
        if (deployment && result.deployment != *deployment) {
            continue;
        }
        ++stats.replies;
        if (result.ok()) {
            stats.stoppedByItself += result.reply.stoppedByItself() ? 1 : 0;
            rates.push_back(result.reply.metrics.tokensPerSecond());
        } else {
            ++stats.failed;
        }
        if (result.containsExpected) {
            ++stats.expectedTotal;
            stats.expectedMatches += *result.containsExpected ? 1 : 0;
        }
    }
    stats.medianTokensPerSecond = median(std::move(rates));
    return stats;
}

nlohmann::json EvaluationRun::summary() const
{
    nlohmann::json deployments = nlohmann::json::array();
    nlohmann::json serverModels = nlohmann::json::array();
    for (const DeployedModel& target : m_targets) {
        deployments.push_back(target.record().ollamaName);
        if (target.isServerModel()) {
            serverModels.push_back(target.record().ollamaName);
        }
    }
    const EvaluationStats all = stats();
    nlohmann::json summary = {{"when", isoNowUtc()},
                              {"deployments", deployments},
                              {"prompts", m_prompts.size()},
                              {"replies", all.replies},
                              {"failed", all.failed},
                              {"stopped_by_itself", all.stoppedByItself},
                              {"expected_total", all.expectedTotal},
                              {"expected_matches", all.expectedMatches},
                              {"median_tokens_per_second", all.medianTokensPerSecond},
                              {"max_tokens", m_maxTokens}};
    // Which of the compared models were the server's own (a base, say): the card of the fine-tune names them.
    if (!serverModels.empty()) {
        summary["server_models"] = std::move(serverModels);
    }
    return summary;
}

std::vector<std::string> EvaluationRun::savedModels() const
{
    std::set<std::string> names;
    for (const DeployedModel& target : m_targets) {
        if (!target.isServerModel()) {
            names.insert(target.record().savedModel);
        }
    }
    return {names.begin(), names.end()};
}

} // namespace deepext
