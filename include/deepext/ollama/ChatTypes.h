#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>

namespace deepext::ollama {

// The two endpoints that make a model talk (docs/ollama-notes.md, "Trying a model").
enum class ChatEndpoint
{
    Chat,     // POST /api/chat: messages in, "message.content" pieces out
    Generate, // POST /api/generate: prompt (and system) in, "response" pieces out
};

struct ChatMessage
{
    QString role; // "user", "assistant" (the system prompt is ChatRequest::system)
    QString content;
};

// The request options we send; unset ones are left to the model's own parameters.
struct ChatOptions
{
    std::optional<int> numPredict; // Ollama's default is -1 (unbounded): send it for a bounded reply
    std::optional<double> temperature;
    std::optional<int> seed;
    QStringList stop; // when not empty, replaces the model's stop parameters for this request
};

struct ChatRequest
{
    QString model;
    QString system;              // empty: the model's own system prompt, if any
    QList<ChatMessage> messages; // chat: the conversation so far, ending with the user's turn
    ChatOptions options;

    // The JSON body for `endpoint` with "stream": true. Generate sends the last message's content as the prompt.
    nlohmann::json body(ChatEndpoint endpoint) const;
};

// The final line's numbers; durations in nanoseconds as Ollama sends them.
struct ChatMetrics
{
    qint64 totalDuration = 0;
    qint64 loadDuration = 0;
    qint64 promptEvalCount = 0;
    qint64 promptEvalDuration = 0;
    qint64 evalCount = 0;
    qint64 evalDuration = 0;

    // eval_count / eval_duration; 0 when the duration is unknown.
    double tokensPerSecond() const;
    nlohmann::json toJson() const;
};

// A reply as it accumulates: the text so far, then the final line's reason and metrics.
struct ChatReply
{
    QString text;
    bool done = false;
    QString doneReason; // "stop" (stopped by itself or at a stop string), "length" (hit num_predict), ...
    ChatMetrics metrics;

    bool stoppedByItself() const { return done && doneReason == QStringLiteral("stop"); }
};

} // namespace deepext::ollama
