#pragma once

#include "ChatPlan.h"
#include "ResponseChannel.h"

#include <QDateTime>
#include <QObject>

#include <nlohmann/json.hpp>

namespace deepext::fake {

// Plays a planned chat or generate reply on the connection as the real handler streams it: nothing while the model
// loads, then one NDJSON line per piece (paced by the token delay), then the final line with done, done_reason and
// the metrics (api.ChatResponse / api.GenerateResponse field order). With "stream": false, one object at the end.
class ChatStreamPlayer : public QObject
{
    Q_OBJECT

public:
    ChatStreamPlayer(ChatPlan plan, ResponseChannel& channel, QObject* parent = nullptr);

    void start();
    // The connection went away: nothing more is played.
    void stop() { m_finished = true; }

    // Nominal timings the metrics report, so tokens per second are predictable (100 per second).
    static constexpr qint64 EvalNanosPerToken = 10'000'000;
    static constexpr qint64 PromptNanosPerToken = 1'000'000;

private:
    void advance();
    nlohmann::ordered_json line(const QString& text, bool done) const;

    ChatPlan m_plan;
    ResponseChannel& m_channel;
    QDateTime m_started;
    qsizetype m_next = 0;
    bool m_finished = false;
};

} // namespace deepext::fake
