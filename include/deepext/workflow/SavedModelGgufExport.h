#pragma once

#include "deepext/base/Workspace.h"
#include "deepext/gguf/GgufExporter.h"
#include "deepext/merge/MergeTypes.h"

#include <atomic>
#include <string>

namespace deepext {

// `export-gguf SAVED` and the window's Export GGUF action: writes a saved model as one GGUF file wherever the user
// chose (GgufExporter: staged, nothing partial on error or cancel) and records the export in the saved model's card
// (type, file, size, SHA-256, time; README.md says how to run it), under the card's lock so a concurrent deploy or
// export never loses the entry.
class SavedModelGgufExport
{
public:
    // `request.modelDirectory` is set from the workspace. The export stands once the file is in place: a card that
    // cannot be updated (damaged, or the model deleted meanwhile) becomes a warning of the result, not a failure.
    static gguf::GgufExportResult run(const Workspace& workspace, const std::string& savedName,
                                      gguf::GgufExportRequest request, const MergeProgressCallback& progress,
                                      const std::atomic_bool& cancel);
};

} // namespace deepext
