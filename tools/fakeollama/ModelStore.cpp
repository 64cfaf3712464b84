#include "ModelStore.h"

#include "deepext/base/Sha256.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <algorithm>

namespace deepext::fake {

namespace {

const QRegularExpression& digestPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^sha256[:-][0-9a-fA-F]{64}$"));
    return pattern;
}

const QRegularExpression& blobFilePattern()
{
    static const QRegularExpression pattern(QStringLiteral("^sha256-[0-9a-fA-F]{64}$"));
    return pattern;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.readAll();
}

std::optional<nlohmann::json> parseRecord(const QByteArray& data)
{
    try {
        return nlohmann::json::parse(data.constData(), data.constData() + data.size());
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

} // namespace

ModelStore::ModelStore(const QString& root)
    : m_root(QDir(root).absolutePath())
{
    QDir().mkpath(blobsDir());
    QDir().mkpath(manifestsDir());
}

QString ModelStore::blobsDir() const
{
    return m_root + QStringLiteral("/blobs");
}

QString ModelStore::manifestsDir() const
{
    return m_root + QStringLiteral("/manifests");
}

bool ModelStore::isValidDigest(const QString& digest)
{
    return digestPattern().match(digest).hasMatch();
}

QString ModelStore::blobPath(const QString& digest) const
{
    QString name = digest;
    name.replace(u':', u'-');
    return blobsDir() + u'/' + name;
}

bool ModelStore::hasBlob(const QString& digest) const
{
    return isValidDigest(digest) && QFileInfo(blobPath(digest)).isFile();
}

qint64 ModelStore::blobSize(const QString& digest) const
{
    return QFileInfo(blobPath(digest)).size();
}

QStringList ModelStore::blobDigests() const
{
    QStringList out;
    for (const QString& name : QDir(blobsDir()).entryList(QDir::Files, QDir::Name)) {
        if (blobFilePattern().match(name).hasMatch()) {
            out.append(QStringLiteral("sha256:") + name.mid(7));
        }
    }
    return out;
}

QString ModelStore::newUploadPath() const
{
    return blobsDir() + QStringLiteral("/.upload-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool ModelStore::commitUpload(const QString& tempPath, const QString& hex, QString* error)
{
    QMutexLocker lock(&m_mutex);
    const QString target = blobPath(QStringLiteral("sha256:") + hex);
    if (QFileInfo::exists(target)) {
        QFile::remove(tempPath);
        return true;
    }
    QFile temp(tempPath);
    if (!temp.rename(target)) {
        if (error) {
            *error = QStringLiteral("rename %1 %2: %3").arg(tempPath, target, temp.errorString());
        }
        QFile::remove(tempPath);
        return false;
    }
    return true;
}

QString ModelStore::writeBlob(const QByteArray& data, bool* existed)
{
    Sha256 hash;
    hash.update(data.constData(), static_cast<std::size_t>(data.size()));
    const QString digest = QStringLiteral("sha256:") + QString::fromStdString(hash.finalHex());
    QMutexLocker lock(&m_mutex);
    const bool present = QFileInfo::exists(blobPath(digest));
    if (existed) {
        *existed = present;
    }
    if (present) {
        // Touch it, as Ollama does when a layer is reused, so a grace-period prune keeps it.
        QFile file(blobPath(digest));
        if (file.open(QIODevice::ReadWrite)) {
            file.setFileTime(QDateTime::currentDateTime(), QFileDevice::FileModificationTime);
        }
        return digest;
    }
    QSaveFile file(blobPath(digest));
    if (file.open(QIODevice::WriteOnly)) {
        file.write(data);
        file.commit();
    }
    return digest;
}

QByteArray ModelStore::readBlobHead(const QString& digest, qint64 maxBytes) const
{
    QFile file(blobPath(digest));
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return file.read(maxBytes);
}

QStringList ModelStore::recordPaths() const
{
    QStringList out;
    QDirIterator it(manifestsDir(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (QDir(manifestsDir()).relativeFilePath(path).count(u'/') == 3) {
            out.append(path);
        }
    }
    out.sort();
    return out;
}

std::optional<ModelName> ModelStore::existingName(const ModelName& name) const
{
    QMutexLocker lock(&m_mutex);
    const QDir base(manifestsDir());
    for (const QString& path : recordPaths()) {
        const QString relative = base.relativeFilePath(path);
        if (relative.compare(name.storagePath(), Qt::CaseInsensitive) == 0) {
            const QStringList parts = relative.split(u'/');
            return ModelName::parse(parts[0] + u'/' + parts[1] + u'/' + parts[2] + u':' + parts[3]);
        }
    }
    return std::nullopt;
}

std::optional<nlohmann::json> ModelStore::record(const ModelName& name) const
{
    const std::optional<ModelName> stored = existingName(name);
    if (!stored) {
        return std::nullopt;
    }
    QMutexLocker lock(&m_mutex);
    return parseRecord(readFile(manifestsDir() + u'/' + stored->storagePath()));
}

QString ModelStore::writeRecord(const ModelName& name, const nlohmann::json& record)
{
    const std::optional<ModelName> stored = existingName(name);
    QMutexLocker lock(&m_mutex);
    if (stored && stored->storagePath() != name.storagePath()) {
        QFile::remove(manifestsDir() + u'/' + stored->storagePath());
    }
    // getExistingName keeps the spelling of an existing manifest, part by part; the whole name is close enough.
    const QString path = manifestsDir() + u'/' + (stored ? stored->storagePath() : name.storagePath());
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QByteArray data = QByteArray::fromStdString(record.dump());
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly)) {
        file.write(data);
        file.commit();
    }
    Sha256 hash;
    hash.update(data.constData(), static_cast<std::size_t>(data.size()));
    return QString::fromStdString(hash.finalHex());
}

bool ModelStore::removeRecord(const ModelName& name)
{
    const std::optional<ModelName> stored = existingName(name);
    if (!stored) {
        return false;
    }
    QMutexLocker lock(&m_mutex);
    return QFile::remove(manifestsDir() + u'/' + stored->storagePath());
}

nlohmann::json ModelStore::tagsEntry(const QString& path) const
{
    const QByteArray data = readFile(path);
    const std::optional<nlohmann::json> stored = parseRecord(data);
    if (!stored || !stored->is_object()) {
        return {};
    }
    const QStringList parts = QDir(manifestsDir()).relativeFilePath(path).split(u'/');
    const ModelName name = ModelName::parse(parts[0] + u'/' + parts[1] + u'/' + parts[2] + u':' + parts[3]);
    Sha256 hash;
    hash.update(data.constData(), static_cast<std::size_t>(data.size()));
    qint64 size = 0;
    for (const auto& layer : stored->value("layers", nlohmann::json::array())) {
        size += layer.value("size", qint64{0});
    }
    const std::string display = name.displayShortest().toStdString();
    nlohmann::json entry = {
        {"name", display}, {"model", display},          {"modified_at", stored->value("modified_at", std::string())},
        {"size", size},    {"digest", hash.finalHex()}, {"details", stored->value("details", nlohmann::json::object())},
    };
    if (stored->contains("capabilities")) {
        entry["capabilities"] = stored->at("capabilities");
    }
    entry["record"] = *stored;
    return entry;
}

std::vector<nlohmann::json> ModelStore::listModels() const
{
    QMutexLocker lock(&m_mutex);
    std::vector<nlohmann::json> out;
    for (const QString& path : recordPaths()) {
        nlohmann::json entry = tagsEntry(path);
        if (!entry.is_null()) {
            out.push_back(std::move(entry));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a["record"].value("modified_ms", qint64{0}) > b["record"].value("modified_ms", qint64{0});
    });
    return out;
}

QStringList ModelStore::referencedDigests() const
{
    QStringList out;
    for (const QString& path : recordPaths()) {
        const std::optional<nlohmann::json> stored = parseRecord(readFile(path));
        if (!stored || !stored->is_object()) {
            continue;
        }
        for (const auto& layer : stored->value("layers", nlohmann::json::array())) {
            out.append(QString::fromStdString(layer.value("digest", std::string())));
        }
    }
    return out;
}

int ModelStore::pruneUnusedBlobs(std::chrono::seconds grace)
{
    QMutexLocker lock(&m_mutex);
    const QStringList used = referencedDigests();
    const QDateTime cutoff = QDateTime::currentDateTime().addSecs(-grace.count());
    int removed = 0;
    for (const QFileInfo& info : QDir(blobsDir()).entryInfoList(QDir::Files)) {
        const bool isBlob = blobFilePattern().match(info.fileName()).hasMatch();
        const QString digest = QStringLiteral("sha256:") + info.fileName().mid(7);
        if (isBlob && used.contains(digest)) {
            continue;
        }
        if (grace.count() > 0 && info.lastModified() > cutoff) {
            continue;
        }
        if (QFile::remove(info.absoluteFilePath())) {
            ++removed;
        }
    }
    return removed;
}

void ModelStore::removeUnusedLayers(const QStringList& digests)
{
    QMutexLocker lock(&m_mutex);
    const QStringList used = referencedDigests();
    for (const QString& digest : digests) {
        if (!used.contains(digest)) {
            QFile::remove(blobPath(digest));
        }
    }
}

} // namespace deepext::fake
