#pragma once

#include "CreatePlanner.h"
#include "ResponseChannel.h"
#include "ServerState.h"

#include <QObject>

#include <nlohmann/json.hpp>

#include <cstddef>

namespace deepext::fake {

// Plays a planned /api/create response out step by step on the event loop, as the real handler streams it: one
// NDJSON progress line at a time (paced by the line-delay fault), errors as a real status before the first line or
// as an {"error"} line after it (with "status" in the v0.5.5-0.12.5 era), holds until released, cuts, and the
// model record committed just before "success". With "stream": false only the last object is sent.
class CreateStreamPlayer : public QObject
{
    Q_OBJECT

public:
    CreateStreamPlayer(CreatePlan plan, ServerState& state, ResponseChannel& channel, int lineDelayMs,
                       QObject* parent = nullptr);

    void start();
    bool isHeld() const { return m_held; }
    void release();
    bool isFinished() const { return m_finished; }
    // The connection went away: nothing more is played, and the create no longer counts as held.
    void stop();

signals:
    void heldChanged();

private:
    void advance();
    void startStream();
    void finishWith(const HttpResponse& response);
    void finishStream();

    CreatePlan m_plan;
    ServerState& m_state;
    ResponseChannel& m_channel;
    int m_lineDelayMs;
    std::size_t m_step = 0;
    bool m_streamStarted = false;
    bool m_held = false;
    bool m_finished = false;
    nlohmann::json m_lastLine;
};

} // namespace deepext::fake
