#pragma once

#include <QByteArray>

namespace deepext::fake {

// The Host-header check of a server listening on loopback (server/routes.go allowedHostsMiddleware): a request whose
// Host is not local, private or ours gets 403, which protects against DNS rebinding.
class HostCheck
{
public:
    static bool allowed(const QByteArray& hostHeader);
};

} // namespace deepext::fake
