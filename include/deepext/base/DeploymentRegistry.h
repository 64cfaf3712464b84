#pragma once

#include "deepext/base/Records.h"
#include "deepext/base/RegistryFile.h"
#include "deepext/base/WorkspaceLayout.h"

#include <vector>

namespace deepext {

// deployments.json: one record per deploy of a saved model into an Ollama server.
class DeploymentRegistry
{
public:
    static constexpr const char* Key = "deployments";

    DeploymentRegistry(RegistryFile file, WorkspaceLayout layout);

    // A record left "deploying" whose deploy lock no living process holds reads "interrupted".
    std::vector<DeploymentRecord> all() const;
    // Replaces the record with the same UUID, or adds it.
    void upsert(const DeploymentRecord& record) const;
    // Drops the attempts that did not end deployed (failed, cancelled, interrupted) and the models since removed from
    // their server, in one write; a deploy still running and every deployed record stay. Returns how many went.
    int removeHistory() const;

private:
    RegistryFile m_file;
    WorkspaceLayout m_layout;
};

} // namespace deepext
