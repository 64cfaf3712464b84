#pragma once

#include "deepext/merge/MergeTypes.h"

#include <atomic>
#include <string>

namespace deepext {

class Workspace;

struct SaveOutcome
{
    std::string savedName;
    std::string path;
    MergeResult merge;
};

// Save (trained → saved): merge into .staging/<uuid>/ under a lock of its own, write model_card.json and README.md,
// fsync, then publish with one rename that never replaces an existing directory. Cancel or failure at any moment
// removes the staging data; nothing partial ever appears in saved_models/. Synchronous: the CLI calls it
// directly, the GUI through SaveTask on a worker thread.
class SaveOperation
{
public:
    static SaveOutcome save(const Workspace& workspace, const std::string& trainedName, OutputDtype dtype, int threads,
                            const MergeProgressCallback& progress, const std::atomic_bool& cancel);

    // `merge --base --adapter --out`: the same files and card without a workspace, staged beside `outputDirectory`.
    static SaveOutcome mergeStandalone(const std::string& baseDirectory, const std::string& adapterDirectory,
                                       const std::string& outputDirectory, OutputDtype dtype, int threads,
                                       const MergeProgressCallback& progress, const std::atomic_bool& cancel);
};

} // namespace deepext
