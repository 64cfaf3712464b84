#include "deepext/ollama/ChatLineParser.h"

#include "deepext/ollama/OllamaCall.h"

namespace deepext::ollama {

ChatLineParser::Line ChatLineParser::parse(const QByteArray& raw, ChatEndpoint endpoint)
{
    Line line;
    const QByteArray trimmed = raw.trimmed();
    if (trimmed.isEmpty()) {
        return line;
    }
    const auto json = nlohmann::json::parse(trimmed.constData(), trimmed.constData() + trimmed.size(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        line.kind = Line::Kind::NotJson;
        return line;
    }
    if (const auto error = json.find("error"); error != json.end()) {
        line.kind = Line::Kind::Error;
        line.text = QString::fromStdString(error->is_string() ? error->get<std::string>() : error->dump());
        return line;
    }
    line.kind = Line::Kind::Piece;
    if (endpoint == ChatEndpoint::Chat) {
        const auto message = json.find("message");
        if (message != json.end() && message->is_object()) {
            line.text = QString::fromStdString(OllamaCall::stringField(*message, "content"));
        }
    } else {
        line.text = QString::fromStdString(OllamaCall::stringField(json, "response"));
    }
    const auto done = json.find("done");
    line.done = done != json.end() && done->is_boolean() && done->get<bool>();
    if (line.done) {
        line.doneReason = QString::fromStdString(OllamaCall::stringField(json, "done_reason"));
        line.metrics.totalDuration = OllamaCall::progressNumber(json, "total_duration");
        line.metrics.loadDuration = OllamaCall::progressNumber(json, "load_duration");
        line.metrics.promptEvalCount = OllamaCall::progressNumber(json, "prompt_eval_count");
        line.metrics.promptEvalDuration = OllamaCall::progressNumber(json, "prompt_eval_duration");
        line.metrics.evalCount = OllamaCall::progressNumber(json, "eval_count");
        line.metrics.evalDuration = OllamaCall::progressNumber(json, "eval_duration");
    }
    return line;
}

void ChatLineParser::apply(const Line& line, ChatReply& reply)
{
    if (line.kind != Line::Kind::Piece) {
        return;
    }
    reply.text += line.text;
    if (line.done) {
        reply.done = true;
        reply.doneReason = line.doneReason;
        reply.metrics = line.metrics;
    }
}

} // namespace deepext::ollama
