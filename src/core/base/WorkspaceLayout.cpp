#include "deepext/base/WorkspaceLayout.h"

#include "deepext/base/Error.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {

WorkspaceLayout::WorkspaceLayout(std::string root)
    : m_root(std::move(root))
{
}

std::string WorkspaceLayout::workspaceFile() const
{
    return m_root + "/workspace.json";
}

std::string WorkspaceLayout::baseModelsFile() const
{
    return m_root + "/base_models.json";
}

std::string WorkspaceLayout::trainedModelsFile() const
{
    return m_root + "/trained_models.json";
}

std::string WorkspaceLayout::deploymentsFile() const
{
    return m_root + "/deployments.json";
}

std::string WorkspaceLayout::savedModelsDir() const
{
    return m_root + "/saved_models";
}

std::string WorkspaceLayout::stagingDir() const
{
    return m_root + "/.staging";
}

std::string WorkspaceLayout::trashDir() const
{
    return m_root + "/.trash";
}

std::string WorkspaceLayout::logsDir() const
{
    return m_root + "/logs";
}

std::string WorkspaceLayout::locksDir() const
{
    return m_root + "/.locks";
}

std::string WorkspaceLayout::registryLockPath() const
{
    return locksDir() + "/registry.lock";
}

std::string WorkspaceLayout::cardLockPath(const std::string& savedName) const
{
    return locksDir() + "/card-" + savedName + ".lock";
}

std::string WorkspaceLayout::deployLockPath(const std::string& uuid) const
{
    return locksDir() + "/deploy-" + uuid + ".lock";
}

void WorkspaceLayout::ensureFolders() const
{
    for (const auto& dir : {savedModelsDir(), stagingDir(), trashDir(), logsDir(), locksDir()}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) {
            throw Error("cannot create " + dir + ": " + ec.message() + " (is the workspace writable?)");
        }
    }
}

} // namespace deepext
