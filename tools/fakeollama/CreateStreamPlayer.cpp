#include "CreateStreamPlayer.h"

#include "GoEncoding.h"

#include <QTimer>

namespace deepext::fake {

using nlohmann::json;

CreateStreamPlayer::CreateStreamPlayer(CreatePlan plan, ServerState& state, ResponseChannel& channel, int lineDelayMs,
                                       QObject* parent)
    : QObject(parent)
    , m_plan(std::move(plan))
    , m_state(state)
    , m_channel(channel)
    , m_lineDelayMs(lineDelayMs)
{
}

void CreateStreamPlayer::start()
{
    advance();
}

void CreateStreamPlayer::release()
{
    if (!m_held) {
        return;
    }
    m_held = false;
    emit heldChanged();
    QTimer::singleShot(0, this, &CreateStreamPlayer::advance);
}

void CreateStreamPlayer::stop()
{
    m_finished = true;
    m_held = false;
}

void CreateStreamPlayer::startStream()
{
    if (!m_streamStarted) {
        m_streamStarted = true;
        m_channel.startChunked("application/x-ndjson");
    }
}

void CreateStreamPlayer::finishWith(const HttpResponse& response)
{
    m_finished = true;
    m_channel.send(response);
}

void CreateStreamPlayer::finishStream()
{
    m_finished = true;
    m_channel.endChunked();
}

void CreateStreamPlayer::advance()
{
    if (m_finished || m_held || m_channel.isClosing()) {
        return;
    }
    if (m_step >= m_plan.steps.size()) {
        if (m_plan.stream) {
            finishStream();
        } else {
            finishWith({200, GoEncoding::JsonType,
                        GoEncoding::progress(m_lastLine.is_null() ? json{{"status", "success"}} : m_lastLine)});
        }
        return;
    }
    const OllamaVersion version = m_state.version();
    const bool inlineStatus = version.inlineErrorStatus() || m_state.faults().inlineStreamErrors;
    CreateStep& step = m_plan.steps[m_step++];
    switch (step.kind) {
    case CreateStep::Kind::Line:
        m_lastLine = step.line;
        if (m_plan.stream) {
            startStream();
            m_channel.writeChunk(GoEncoding::progress(step.line) + '\n');
        }
        break;
    case CreateStep::Kind::Commit:
        step.commit();
        break;
    case CreateStep::Kind::Hold:
        if (!m_state.takeReleaseToken()) {
            m_held = true;
            emit heldChanged();
            return;
        }
        break;
    case CreateStep::Kind::Truncate:
        if (m_plan.stream && m_state.faults().truncateCleanly) {
            startStream();
            finishStream();
            return;
        }
        m_finished = true;
        m_channel.cut(); // mid-stream: no terminating chunk, no success
        return;
    case CreateStep::Kind::Error: {
        const bool first = !m_streamStarted && m_lastLine.is_null();
        const int status = step.status > 0 ? step.status : 500;
        if (!m_plan.stream) {
            finishWith({status, GoEncoding::JsonType, GoEncoding::error(step.error)});
            return;
        }
        if (first && !inlineStatus) {
            // From v0.12.6 on: nothing streamed yet, so the error gets a real status and a plain JSON body.
            finishWith({status, "application/json", GoEncoding::error(step.error)});
            return;
        }
        startStream();
        json line = {{"error", step.error.toStdString()}};
        if (inlineStatus && !version.legacyCreate() && step.status >= 400 && step.status < 500) {
            line["status"] = step.status;
        }
        m_channel.writeChunk(GoEncoding::json(line) + '\n');
        finishStream();
        return;
    }
    }
    QTimer::singleShot(m_lineDelayMs, this, &CreateStreamPlayer::advance);
}

} // namespace deepext::fake
