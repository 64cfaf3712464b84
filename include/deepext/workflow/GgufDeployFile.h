#pragma once

#include "deepext/base/ManifestEntry.h"
#include "deepext/gguf/GgufExporter.h"
#include "deepext/merge/MergeTypes.h"

#include <atomic>
#include <string>

namespace deepext {

// The GGUF file a GGUF deploy uploads: gguf/model-<type>.gguf inside the saved model, written once and listed in
// the model card's manifest, so `verify` covers it, `delete` removes it with the model, and the next deploy of the
// same type reuses it.
class GgufDeployFile
{
public:
    struct Prepared
    {
        ManifestEntry entry; // as the card now lists it
        bool reused = false; // the file was already there, with the card's SHA-256
    };

    // "gguf/model-bf16.gguf" for a resolved type (never Auto).
    static std::string relativePath(gguf::GgufExportType type);
    // The type `auto` stands for in `modelDirectory`, as the exporter resolves it: the dtype of the first tensor with
    // two or more dimensions (BF16 -> bf16, else f16). Other types are returned as they are.
    static gguf::GgufExportType resolveType(const std::string& modelDirectory, gguf::GgufExportType type);

    // Reuses the card's GGUF of this type when the file re-hashes to the card's SHA-256; otherwise exports it
    // (GgufExporter: staged, nothing partial left on error or cancel) and records it in the card. Progress in bytes
    // ("checking", then the exporter's phases); `cancel` throws Error::cancelled(). Synchronous: off the GUI thread.
    // Holds `cardLockPath` (WorkspaceLayout::cardLockPath) throughout, so a second deploy of the same model waits and
    // then reuses the file, and two processes adding files to the card never lose one another's entry.
    static Prepared prepare(const std::string& modelDirectory, const std::string& cardLockPath,
                            gguf::GgufExportType type, const MergeProgressCallback& progress,
                            const std::atomic_bool& cancel);
};

} // namespace deepext
