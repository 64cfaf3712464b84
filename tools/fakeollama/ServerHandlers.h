#pragma once

#include "HttpResponse.h"
#include "ServerState.h"

namespace deepext::fake {

// The server-level endpoints: GET / ("Ollama is running"), /api/version and /api/ps (no model is ever loaded).
class ServerHandlers
{
public:
    explicit ServerHandlers(ServerState& state);

    HttpResponse root() const;
    HttpResponse version() const;
    HttpResponse ps() const;

private:
    ServerState& m_state;
};

} // namespace deepext::fake
