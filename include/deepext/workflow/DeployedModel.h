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
// `eval` and the post-deploy check. For `eval` also a model the server has that is not one of our deployments (a
// base the user pulled, say): onServer().
class DeployedModel
{
public:
    // The newest record named `ollamaName` (any case, ":latest" optional) that is deployed. Throws deepext::Error
    // when there is none: naming the deployed models there are, or saying what became of a record of that name
    // (removed, failed, ...).
    static DeployedModel find(const Workspace& workspace, const std::string& ollamaName);

    // A model the server at `serverUrl` already has, not made by us: its record holds the name, URL and environment
    // only, with no saved model, so no card keeps an evaluation of it. Whether the server has it is the caller's check
    // (ServerModelList).
    static DeployedModel onServer(const std::string& serverUrl, const std::string& caFile,
                                  const std::string& environment, const std::string& ollamaName);

    const DeploymentRecord& record() const { return m_record; }
    // Made by onServer(): a model of the server's, not a deployment of ours.
    bool isServerModel() const { return m_serverModel; }
    const std::string& caFile() const { return m_caFile; }
    // A client for the record's server (with its environment's CA file), owned by `parent`.
    ollama::OllamaClient* client(QNetworkAccessManager* network, QObject* parent) const;

private:
    DeployedModel(DeploymentRecord record, std::string caFile, bool serverModel);

    DeploymentRecord m_record;
    std::string m_caFile;
    bool m_serverModel;
};

} // namespace deepext
