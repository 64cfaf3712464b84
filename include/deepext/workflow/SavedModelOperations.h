#pragma once

#include "deepext/card/ModelCardRenderer.h"
#include "deepext/merge/MergeTypes.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace deepext {

class Workspace;

struct VerifyReport
{
    std::vector<std::string> changed; // size or SHA-256 differs from the card
    std::vector<std::string> missing;
    std::vector<std::string> unexpected; // files present that the card does not list (model_card.json, README.md aside)
    int checked = 0;
    bool ok() const { return changed.empty() && missing.empty(); }
};

// Reading, verifying and deleting saved models.
class SavedModelOperations
{
public:
    // The deployments of a saved model as its card lists them, in record order: the one query of the records behind
    // the window's card pane and `deepext-cli show`.
    static std::vector<DeploymentSummary> deploymentSummaries(const Workspace& workspace, const std::string& savedName);
    // The model card with its deployments, structured (the window's card pane). Reads files: call it off the GUI
    // thread. Throws deepext::Error when there is no such saved model or its card cannot be read.
    static carddoc::Document cardDocument(const Workspace& workspace, const std::string& savedName);
    // cardDocument(), rendered (`deepext-cli show`).
    static std::string cardText(const Workspace& workspace, const std::string& savedName, CardFormat format);

    // Re-hashes every file of the card's manifest. Progress in bytes; cancel throws Error::cancelled().
    static VerifyReport verify(const Workspace& workspace, const std::string& savedName,
                               const std::function<void(std::uint64_t done, std::uint64_t total)>& progress,
                               const std::atomic_bool& cancel);

    // Moves saved_models/<name> into .trash/ with one rename (so it vanishes from the list at once), then removes
    // it without following symbolic links. Refuses a name that is not a saved model, a symlinked entry, and a
    // model whose deploy is running. Deployment records are untouched.
    static void remove(const Workspace& workspace, const std::string& savedName);
};

} // namespace deepext
