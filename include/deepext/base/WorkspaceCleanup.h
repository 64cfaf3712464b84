#pragma once

#include "deepext/base/WorkspaceLayout.h"

#include <string>
#include <vector>

namespace deepext {

struct CleanupReport
{
    std::vector<std::string> removed; // leftovers of crashed saves/deletes/deploys that were removed
    std::vector<std::string> kept;    // held by a living process
};

// Start-up clean-up: removes the entries of .staging/ and .trash/ whose lock no living process holds (what a
// crashed save or delete left behind), never following symbolic links.
class WorkspaceCleanup
{
public:
    static CleanupReport run(const WorkspaceLayout& layout);
};

} // namespace deepext
