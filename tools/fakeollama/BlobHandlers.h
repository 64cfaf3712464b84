#pragma once

#include "HttpResponse.h"
#include "ServerState.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace deepext::fake {

// HEAD and POST /api/blobs/:digest (server/routes.go HeadBlobHandler, CreateBlobHandler) as decisions over the
// store; the connection streams the upload itself.
class BlobHandlers
{
public:
    explicit BlobHandlers(ServerState& state);

    // Decided from the head alone: a bad digest (400), HEAD (200 or 404), or a POST of a blob the server already has
    // (200 at once, the upload unread). nullopt: a POST whose body must be read, then given to finishUpload().
    std::optional<HttpResponse> beforeBody(const QByteArray& method, const QString& digest) const;

    // A finished upload: its temporary file, the SHA-256 of what arrived (hex) and the write error, if any.
    // Stores it under its digest (201), or answers 400 when it is not the blob the path named, 500 on I/O errors.
    HttpResponse finishUpload(const QString& digest, const QString& tempPath, const QString& receivedHex,
                              const QString& writeError) const;

private:
    ServerState& m_state;
};

} // namespace deepext::fake
