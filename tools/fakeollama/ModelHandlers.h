#pragma once

#include "HttpResponse.h"
#include "ServerState.h"

namespace deepext::fake {

// The endpoints over stored models, each a request body in, a response out: GET /api/tags, POST /api/show,
// DELETE /api/delete and POST /api/copy (server/routes.go ListHandler, ShowHandler, DeleteHandler, CopyHandler).
class ModelHandlers
{
public:
    explicit ModelHandlers(ServerState& state);

    HttpResponse tags() const;
    HttpResponse show(const QByteArray& body) const;
    HttpResponse remove(const QByteArray& body) const;
    HttpResponse copy(const QByteArray& body) const;

private:
    ServerState& m_state;
};

} // namespace deepext::fake
