#pragma once

#include "ChatPlan.h"
#include "ServerState.h"

#include <QByteArray>

namespace deepext::fake {

// Decides the answer to POST /api/chat or /api/generate as server/routes.go ChatHandler and GenerateHandler would:
// the request decoded as gin does, the model looked up ("model is required", "model 'x' not found", a missing
// weights blob: "model \"x\" not found, try pulling it first"), options read as api.Options.FromMap does. The reply is
// deterministic ("Hello from <model>. You said: <prompt>"), one piece per word; it ends by itself unless the model
// runs on (FaultSettings::runOnModels), stops early at a stop string (the request's, else the model's "stop"
// parameters) and at num_predict with "length".
class ChatPlanner
{
public:
    explicit ChatPlanner(ServerState& state);

    ChatPlan plan(const QByteArray& body, bool generate);

private:
    ServerState& m_state;
};

} // namespace deepext::fake
