#include "BlobHandlers.h"

#include "GoEncoding.h"

#include <QFile>

namespace deepext::fake {

BlobHandlers::BlobHandlers(ServerState& state)
    : m_state(state)
{
}

std::optional<HttpResponse> BlobHandlers::beforeBody(const QByteArray& method, const QString& digest) const
{
    if (!ModelStore::isValidDigest(digest)) {
        return HttpResponse{400, GoEncoding::JsonType, GoEncoding::error(QStringLiteral("invalid digest format"))};
    }
    const ModelStore& store = m_state.store();
    if (method == "HEAD") {
        if (store.hasBlob(digest)) {
            return HttpResponse{200, {}, {}};
        }
        return HttpResponse{404, GoEncoding::JsonType,
                            GoEncoding::error(QStringLiteral("blob %1 not found").arg(GoEncoding::quote(digest)))};
    }
    if (store.hasBlob(digest)) {
        // CreateBlobHandler answers at once, without reading the upload.
        return HttpResponse{200, {}, {}};
    }
    return std::nullopt;
}

HttpResponse BlobHandlers::finishUpload(const QString& digest, const QString& tempPath, const QString& receivedHex,
                                        const QString& writeError) const
{
    if (!writeError.isEmpty()) {
        QFile::remove(tempPath);
        return {500, GoEncoding::JsonType, GoEncoding::error(writeError)};
    }
    QString error;
    if (!m_state.store().commitUpload(tempPath, receivedHex, &error)) {
        return {500, GoEncoding::JsonType, GoEncoding::error(error)};
    }
    const QString computed = QStringLiteral("sha256:") + receivedHex;
    if (computed != digest) {
        return {400, GoEncoding::JsonType,
                GoEncoding::error(QStringLiteral("digest mismatch, expected %1, got %2")
                                      .arg(GoEncoding::quote(digest), GoEncoding::quote(computed)))};
    }
    return {201, {}, {}};
}

} // namespace deepext::fake
