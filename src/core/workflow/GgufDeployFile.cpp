#include "deepext/workflow/GgufDeployFile.h"

#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Sha256.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardFiles.h"
#include "deepext/merge/ModelCheckpoint.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {

std::string GgufDeployFile::relativePath(gguf::GgufExportType type)
{
    return "gguf/model-" + gguf::ggufExportTypeName(type) + ".gguf";
}

gguf::GgufExportType GgufDeployFile::resolveType(const std::string& modelDirectory, gguf::GgufExportType type)
{
    if (type != gguf::GgufExportType::Auto) {
        return type;
    }
    const ModelCheckpoint checkpoint = ModelCheckpoint::scan(modelDirectory);
    for (const auto& shard : checkpoint.shards) {
        for (const auto& tensor : shard.tensors) {
            if (tensor.shape.size() >= 2) {
                return tensor.dtype == Dtype::BF16 ? gguf::GgufExportType::BF16 : gguf::GgufExportType::F16;
            }
        }
    }
    return gguf::GgufExportType::F16;
}

GgufDeployFile::Prepared GgufDeployFile::prepare(const std::string& modelDirectory, const std::string& cardLockPath,
                                                 gguf::GgufExportType type, const MergeProgressCallback& progress,
                                                 const std::atomic_bool& cancel)
{
    OperationLock cardLock(cardLockPath);
    cardLock.lockUnlessCancelled(cancel);
    const gguf::GgufExportType resolved = resolveType(modelDirectory, type);
    const std::string relative = relativePath(resolved);
    const std::string path = (fs::path(modelDirectory) / relative).string();
    ModelCard card = ModelCard::load(modelDirectory);

    const auto listed =
        std::find_if(card.files.begin(), card.files.end(), [&](const ManifestEntry& e) { return e.path == relative; });
    std::error_code ec;
    if (listed != card.files.end() && fs::is_regular_file(path, ec) && fs::file_size(path, ec) == listed->size) {
        // Re-hashed: a file damaged since it was written is written again, never uploaded.
        const std::uint64_t total = listed->size;
        std::uint64_t done = 0;
        const std::string sha256 = Sha256::ofFile(path, [&](std::uint64_t chunk) {
            if (cancel) {
                throw Error::cancelled();
            }
            done += chunk;
            if (progress) {
                progress({done, total, "checking"});
            }
        });
        if (sha256 == listed->sha256) {
            return {*listed, true};
        }
    }

    gguf::GgufExportRequest request;
    request.modelDirectory = modelDirectory;
    request.outputPath = path;
    request.type = resolved;
    request.force = true; // a stale or unlisted file of this name is ours to replace
    fs::create_directories(fs::path(path).parent_path(), ec);
    if (ec) {
        throw Error("cannot create " + fs::path(path).parent_path().string() + ": " + ec.message());
    }
    const gguf::GgufExportResult result = gguf::GgufExporter::exportModel(request, progress, cancel);
    if (result.type != gguf::ggufExportTypeName(resolved)) {
        throw Error("internal error: the GGUF export of " + modelDirectory + " wrote " + result.type + ", not " +
                    gguf::ggufExportTypeName(resolved));
    }

    const ManifestEntry entry{relative, result.size, result.sha256};
    std::uint64_t replacedSize = 0;
    card.files.erase(std::remove_if(card.files.begin(), card.files.end(),
                                    [&](const ManifestEntry& e) {
                                        if (e.path != relative) {
                                            return false;
                                        }
                                        replacedSize += e.size;
                                        return true;
                                    }),
                     card.files.end());
    card.files.push_back(entry);
    std::sort(card.files.begin(), card.files.end(),
              [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
    if (card.totalSize) {
        card.totalSize = *card.totalSize - replacedSize + entry.size;
    }
    writeModelCardFiles(card, modelDirectory);
    return {entry, false};
}

} // namespace deepext
