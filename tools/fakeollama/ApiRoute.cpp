#include "ApiRoute.h"

#include <initializer_list>

namespace deepext::fake {

ApiRoute ApiRoute::match(const QString& path, const QByteArray& method)
{
    ApiRoute m;
    const auto allow = [&](Endpoint which, std::initializer_list<const char*> methods) {
        m.endpoint = which;
        for (const char* allowed : methods) {
            m.methodAllowed = m.methodAllowed || method == allowed;
        }
    };
    if (path == QLatin1String("/")) {
        allow(Endpoint::Root, {"GET", "HEAD"});
    } else if (path == QLatin1String("/api/version")) {
        allow(Endpoint::Version, {"GET", "HEAD"});
    } else if (path == QLatin1String("/api/tags")) {
        allow(Endpoint::Tags, {"GET", "HEAD"});
    } else if (path == QLatin1String("/api/ps")) {
        allow(Endpoint::Ps, {"GET"});
    } else if (path == QLatin1String("/api/create")) {
        allow(Endpoint::Create, {"POST"});
    } else if (path == QLatin1String("/api/show")) {
        allow(Endpoint::Show, {"POST"});
    } else if (path == QLatin1String("/api/delete")) {
        allow(Endpoint::Delete, {"DELETE"});
    } else if (path == QLatin1String("/api/chat")) {
        allow(Endpoint::Chat, {"POST"});
    } else if (path == QLatin1String("/api/generate")) {
        allow(Endpoint::Generate, {"POST"});
    } else if (path == QLatin1String("/api/copy")) {
        allow(Endpoint::Copy, {"POST"});
    } else if (path.startsWith(QLatin1String("/api/blobs/")) && path.size() > 11 && !path.mid(11).contains(u'/')) {
        allow(Endpoint::Blob, {"HEAD", "POST"});
        m.digest = path.mid(11);
    }
    return m;
}

bool ApiRoute::buffersBody() const
{
    return endpoint == Endpoint::Create || endpoint == Endpoint::Show || endpoint == Endpoint::Delete ||
           endpoint == Endpoint::Copy || endpoint == Endpoint::Chat || endpoint == Endpoint::Generate;
}

} // namespace deepext::fake
