#pragma once

#include "gui/SavedModelSummary.h"

#include <vector>

namespace deepext {
class Workspace;
}

namespace deepext::gui {

// Reads the list of saved models from disk (saved_models/ is the truth). Runs on a worker thread: with thousands
// of models this is many file reads, so it only pulls the few card fields the list shows.
class SavedModelScanner
{
public:
    static std::vector<SavedModelSummary> scan(const Workspace& workspace);
    // The summary of one model directory; nullopt when it is not a saved model.
    static std::optional<SavedModelSummary> read(const QString& directory);
};

} // namespace deepext::gui
