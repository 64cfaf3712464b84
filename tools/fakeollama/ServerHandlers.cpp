#include "ServerHandlers.h"

#include "GoEncoding.h"

namespace deepext::fake {

ServerHandlers::ServerHandlers(ServerState& state)
    : m_state(state)
{
}

HttpResponse ServerHandlers::root() const
{
    return {200, GoEncoding::TextType, "Ollama is running"};
}

HttpResponse ServerHandlers::version() const
{
    return {200, GoEncoding::JsonType, GoEncoding::json({{"version", m_state.version().text().toStdString()}})};
}

HttpResponse ServerHandlers::ps() const
{
    return {200, GoEncoding::JsonType, R"({"models":[]})"};
}

} // namespace deepext::fake
