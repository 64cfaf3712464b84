#pragma once

#include "deepext/base/Records.h"

#include <string>

class QNetworkAccessManager;
class QObject;

namespace deepext {

class Workspace;

namespace ollama {
class OllamaClient;
}

// A deployment record picked by its Ollama name, with what it takes to talk to its server: the target of `try`,
// `eval` and the post-deploy check.
class DeployedModel
{
public:
    // The newest record named `ollamaName` (any case, ":latest" optional) that is deployed. Throws deepext::Error
    // when there is none: naming the deployed models there are, or saying what became of a record of that name
    // (removed, failed, ...).
    static DeployedModel find(const Workspace& workspace, const std::string& ollamaName);

    const DeploymentRecord& record() const { return m_record; }
    const std::string& caFile() const { return m_caFile; }
    // A client for the record's server (with its environment's CA file), owned by `parent`.
    ollama::OllamaClient* client(QNetworkAccessManager* network, QObject* parent) const;

private:
    DeployedModel(DeploymentRecord record, std::string caFile);

    DeploymentRecord m_record;
    std::string m_caFile;
};

} // namespace deepext
