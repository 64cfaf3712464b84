#pragma once

#include "ModelName.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace deepext::fake {

// The stand-in's $OLLAMA_MODELS: blobs/sha256-<hex> files and one JSON record per model under
// manifests/<host>/<namespace>/<model>/<tag>. Thread-safe: the server thread writes while tests read.
class ModelStore
{
public:
    explicit ModelStore(const QString& root);

    const QString& root() const { return m_root; }
    QString blobsDir() const;

    // ^sha256[:-][0-9a-fA-F]{64}$
    static bool isValidDigest(const QString& digest);
    // BlobsPath: ':' becomes '-', the hex keeps its case (so an upper-case digest names a different file).
    QString blobPath(const QString& digest) const;
    bool hasBlob(const QString& digest) const;
    qint64 blobSize(const QString& digest) const;
    // Every stored blob as "sha256:<hex>", sorted.
    QStringList blobDigests() const;
    // A fresh temporary file path in the blobs directory for an upload in progress.
    QString newUploadPath() const;
    // Moves a finished upload to sha256-<hex>, or drops it when that blob already exists; returns false on I/O error.
    bool commitUpload(const QString& tempPath, const QString& hex, QString* error);
    // Stores data as a blob and returns its "sha256:<hex>" digest.
    QString writeBlob(const QByteArray& data, bool* existed = nullptr);
    QByteArray readBlobHead(const QString& digest, qint64 maxBytes) const;

    // The stored spelling of a model whose name matches case-insensitively.
    std::optional<ModelName> existingName(const ModelName& name) const;
    // The stored record (layers, details, template, ...) of a model, matched case-insensitively.
    std::optional<nlohmann::json> record(const ModelName& name) const;
    // Writes a record (replacing any case-insensitive match) and returns the manifest digest (64 hex).
    QString writeRecord(const ModelName& name, const nlohmann::json& record);
    bool removeRecord(const ModelName& name);
    // /api/tags entries, newest first; each also carries "record" with the stored fields.
    std::vector<nlohmann::json> listModels() const;

    // Deletes blobs no model references and that are older than grace; returns how many went.
    int pruneUnusedBlobs(std::chrono::seconds grace);
    // Deletes the layers of a removed model that no other model uses (DeleteHandler and re-create do this).
    void removeUnusedLayers(const QStringList& digests);

private:
    QString manifestsDir() const;
    QStringList recordPaths() const;
    QStringList referencedDigests() const;
    nlohmann::json tagsEntry(const QString& path) const;

    QString m_root;
    mutable QMutex m_mutex;
};

} // namespace deepext::fake
