#include "deepext/workflow/SavedModelGgufExport.h"

#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Records.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardFiles.h"

#include <algorithm>

namespace deepext {

gguf::GgufExportResult SavedModelGgufExport::run(const Workspace& workspace, const std::string& savedName,
                                                 gguf::GgufExportRequest request, const MergeProgressCallback& progress,
                                                 const std::atomic_bool& cancel)
{
    if (!workspace.savedModelExists(savedName)) {
        throw Error("no saved model named '" + savedName + "' (see 'deepext-cli list')");
    }
    request.modelDirectory = workspace.savedModelPath(savedName);
    gguf::GgufExportResult result = gguf::GgufExporter::exportModel(request, progress, cancel);

    const std::atomic_bool never{false}; // the file is written: recording it is no longer cancellable
    try {
        OperationLock cardLock(workspace.layout().cardLockPath(savedName));
        cardLock.lockUnlessCancelled(never);
        ModelCard card = ModelCard::load(request.modelDirectory);
        // A second export to the same file replaces its entry: the card lists files that exist as written last.
        card.ggufExports.erase(std::remove_if(card.ggufExports.begin(), card.ggufExports.end(),
                                              [&](const GgufExportRecord& e) { return e.path == result.path; }),
                               card.ggufExports.end());
        card.ggufExports.push_back(GgufExportRecord{result.type, result.path, result.size, result.sha256, isoNowUtc()});
        writeModelCardFiles(card, request.modelDirectory);
    } catch (const Error& e) {
        result.warnings.push_back("the GGUF file is written, but the model card of '" + savedName +
                                  "' could not record it: " + e.message());
    }
    return result;
}

} // namespace deepext
