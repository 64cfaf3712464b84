#include "ChatStreamPlayer.h"

#include "GoEncoding.h"

#include <QTimer>

namespace deepext::fake {

using nlohmann::ordered_json;

ChatStreamPlayer::ChatStreamPlayer(ChatPlan plan, ResponseChannel& channel, QObject* parent)
    : QObject(parent)
    , m_plan(std::move(plan))
    , m_channel(channel)
{
}

void ChatStreamPlayer::start()
{
    m_started = QDateTime::currentDateTimeUtc();
    if (m_plan.stream && m_plan.doneReason != QLatin1String("load")) {
        m_channel.startChunked("application/x-ndjson");
    }
    QTimer::singleShot(m_plan.loadDelayMs + m_plan.tokenDelayMs, this, &ChatStreamPlayer::advance);
}

ordered_json ChatStreamPlayer::line(const QString& text, bool done) const
{
    ordered_json out;
    out["model"] = m_plan.model.toStdString();
    out["created_at"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
    if (m_plan.generate) {
        out["response"] = text.toStdString();
        out["done"] = done;
        if (done) {
            out["done_reason"] = m_plan.doneReason.toStdString();
        }
    } else {
        out["message"] = ordered_json{{"role", "assistant"}, {"content", text.toStdString()}};
        if (done) {
            out["done_reason"] = m_plan.doneReason.toStdString();
        }
        out["done"] = done;
    }
    if (done && m_plan.doneReason != QLatin1String("load")) {
        const qint64 load = static_cast<qint64>(m_plan.loadDelayMs) * 1'000'000 + 1'000'000;
        const qint64 prompt = m_plan.promptEvalCount * PromptNanosPerToken;
        const qint64 eval = m_plan.evalCount * EvalNanosPerToken;
        out["total_duration"] = load + prompt + eval;
        out["load_duration"] = load;
        out["prompt_eval_count"] = m_plan.promptEvalCount;
        out["prompt_eval_duration"] = prompt;
        out["eval_count"] = m_plan.evalCount;
        out["eval_duration"] = eval;
    }
    return out;
}

void ChatStreamPlayer::advance()
{
    if (m_finished || m_channel.isClosing()) {
        return;
    }
    if (m_plan.doneReason == QLatin1String("load")) {
        m_finished = true;
        m_channel.send({200, GoEncoding::JsonType, GoEncoding::orderedJson(line({}, true))});
        return;
    }
    if (!m_plan.stream) {
        m_finished = true;
        m_channel.send({200, GoEncoding::JsonType, GoEncoding::orderedJson(line(m_plan.pieces.join(QString()), true))});
        return;
    }
    if (m_plan.errorAfterPieces >= 0 && m_next >= m_plan.errorAfterPieces) {
        // An error after the stream started: a last {"error"} line, HTTP status already 200.
        m_finished = true;
        m_channel.writeChunk(GoEncoding::error(m_plan.errorMessage) + '\n');
        m_channel.endChunked();
        return;
    }
    if (m_next < m_plan.pieces.size()) {
        m_channel.writeChunk(GoEncoding::orderedJson(line(m_plan.pieces[m_next++], false)) + '\n');
        QTimer::singleShot(m_plan.tokenDelayMs, this, &ChatStreamPlayer::advance);
        return;
    }
    m_finished = true;
    m_channel.writeChunk(GoEncoding::orderedJson(line({}, true)) + '\n');
    m_channel.endChunked();
}

} // namespace deepext::fake
