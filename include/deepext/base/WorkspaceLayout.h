#pragma once

#include <string>

namespace deepext {

// Where everything lives inside a workspace folder (docs/architecture.md, "The workspace"): the registry files, the
// folders of saved models and of operations in progress, the locks and the logs.
class WorkspaceLayout
{
public:
    explicit WorkspaceLayout(std::string root);

    const std::string& root() const { return m_root; }
    std::string workspaceFile() const;
    std::string baseModelsFile() const;
    std::string trainedModelsFile() const;
    std::string deploymentsFile() const;
    std::string savedModelsDir() const;
    std::string stagingDir() const;
    std::string trashDir() const;
    std::string logsDir() const;
    std::string locksDir() const;
    // Held for the read-modify-write of any registry file.
    std::string registryLockPath() const;
    // Held by the process running a deploy, so a "deploying" record whose lock is free reads "interrupted".
    std::string deployLockPath(const std::string& uuid) const;
    // Held for the read-modify-write of a saved model's card (and while a deploy writes its GGUF file into it).
    std::string cardLockPath(const std::string& savedName) const;

    // Creates the folders (not the registry files) when missing.
    void ensureFolders() const;

private:
    std::string m_root;
};

} // namespace deepext
