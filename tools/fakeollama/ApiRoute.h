#pragma once

#include <QByteArray>
#include <QString>

namespace deepext::fake {

// Which Ollama endpoint a request is for, as server/routes.go GenerateRoutes registers them (gin: an unknown path
// is 404, a known path with another method 405).
struct ApiRoute
{
    enum class Endpoint
    {
        None,
        Root,
        Version,
        Tags,
        Ps,
        Create,
        Show,
        Delete,
        Copy,
        Blob,
        Chat,
        Generate,
    };

    Endpoint endpoint = Endpoint::None;
    bool methodAllowed = false;
    QString digest; // Blob: the :digest path parameter

    // path: percent-decoded, without the query.
    static ApiRoute match(const QString& path, const QByteArray& method);

    // Routes whose handler reads the whole JSON body.
    bool buffersBody() const;
};

} // namespace deepext::fake
