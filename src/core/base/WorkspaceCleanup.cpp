#include "deepext/base/WorkspaceCleanup.h"

#include "deepext/base/OperationLock.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {

CleanupReport WorkspaceCleanup::run(const WorkspaceLayout& layout)
{
    CleanupReport report;
    for (const auto& dir : {layout.stagingDir(), layout.trashDir()}) {
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const fs::path entry = it->path();
            if (entry.extension() == ".lock") {
                continue;
            }
            const std::string lockPath = entry.string() + ".lock";
            if (OperationLock::isHeldByLivingProcess(lockPath)) {
                report.kept.push_back(entry.string());
                continue;
            }
            std::error_code removeError;
            // remove_all never follows symbolic links: a link inside a half-deleted model is unlinked, its
            // target untouched.
            fs::remove_all(entry, removeError);
            fs::remove(lockPath, removeError);
            report.removed.push_back(entry.string());
        }
    }
    return report;
}

} // namespace deepext
