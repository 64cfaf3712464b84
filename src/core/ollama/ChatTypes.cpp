#include "deepext/ollama/ChatTypes.h"

namespace deepext::ollama {

nlohmann::json ChatRequest::body(ChatEndpoint endpoint) const
{
    nlohmann::json json = {{"model", model.toStdString()}, {"stream", true}};
    if (endpoint == ChatEndpoint::Chat) {
        nlohmann::json list = nlohmann::json::array();
        if (!system.isEmpty()) {
            list.push_back({{"role", "system"}, {"content", system.toStdString()}});
        }
        for (const ChatMessage& message : messages) {
            list.push_back({{"role", message.role.toStdString()}, {"content", message.content.toStdString()}});
        }
        json["messages"] = std::move(list);
    } else {
        json["prompt"] = messages.isEmpty() ? std::string() : messages.last().content.toStdString();
        if (!system.isEmpty()) {
            json["system"] = system.toStdString();
        }
    }
    nlohmann::json sent = nlohmann::json::object();
    if (options.numPredict) {
        sent["num_predict"] = *options.numPredict;
    }
    if (options.temperature) {
        sent["temperature"] = *options.temperature;
    }
    if (options.seed) {
        sent["seed"] = *options.seed;
    }
    if (!options.stop.isEmpty()) {
        nlohmann::json stop = nlohmann::json::array();
        for (const QString& text : options.stop) {
            stop.push_back(text.toStdString());
        }
        sent["stop"] = std::move(stop);
    }
    if (!sent.empty()) {
        json["options"] = std::move(sent);
    }
    return json;
}

double ChatMetrics::tokensPerSecond() const
{
    if (evalDuration <= 0 || evalCount <= 0) {
        return 0.0;
    }
    return static_cast<double>(evalCount) * 1e9 / static_cast<double>(evalDuration);
}

nlohmann::json ChatMetrics::toJson() const
{
    return {{"total_duration", totalDuration},
            {"load_duration", loadDuration},
            {"prompt_eval_count", promptEvalCount},
            {"prompt_eval_duration", promptEvalDuration},
            {"eval_count", evalCount},
            {"eval_duration", evalDuration},
            {"tokens_per_second", tokensPerSecond()}};
}

} // namespace deepext::ollama
