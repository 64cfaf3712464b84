#include "deepext/workflow/DeployedModel.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaName.h"

#include <QUrl>

#include <memory>

namespace deepext {

DeployedModel::DeployedModel(DeploymentRecord record, std::string caFile, bool serverModel)
    : m_record(std::move(record))
    , m_caFile(std::move(caFile))
    , m_serverModel(serverModel)
{
}

DeployedModel DeployedModel::onServer(const std::string& serverUrl, const std::string& caFile,
                                      const std::string& environment, const std::string& ollamaName)
{
    if (ollamaName.empty()) {
        throw Error("a model of the server needs a name");
    }
    DeploymentRecord record;
    record.ollamaName = ollamaName;
    record.environment = environment;
    record.url = serverUrl;
    // It is on the server now (the caller checked); savedModel stays empty: there is no card to keep anything in.
    record.status = DeploymentStatus::Deployed;
    return DeployedModel(std::move(record), caFile, true);
}

DeployedModel DeployedModel::find(const Workspace& workspace, const std::string& ollamaName)
{
    const auto records = workspace.deployments();
    const DeploymentRecord* deployed = nullptr;
    const DeploymentRecord* other = nullptr;
    std::string deployedNames;
    for (const auto& record : records) {
        if (record.status == DeploymentStatus::Deployed) {
            deployedNames += (deployedNames.empty() ? "" : ", ") + record.ollamaName;
        }
        if (!ollama::OllamaName::sameModel(record.ollamaName, ollamaName)) {
            continue;
        }
        // The newest wins: a name can be reused after a removal.
        (record.status == DeploymentStatus::Deployed ? deployed : other) = &record;
    }
    if (!deployed && other) {
        const std::string server = ollama::OllamaHost::display(other->url).toStdString();
        throw Error(other->ollamaName + " is not deployed: its record at " + server + " says '" +
                    std::string(deploymentStatusName(other->status)) + "'. Deploy the saved model " +
                    other->savedModel + " again (deepext-cli deploy " + other->savedModel + ").");
    }
    if (!deployed) {
        throw Error("no deployment named " + ollamaName + " (see 'deepext-cli deployed'). " +
                    (deployedNames.empty() ? std::string("Nothing is deployed yet.")
                                           : "Deployed models: " + deployedNames + "."));
    }
    std::string caFile;
    for (const auto& env : workspace.environments()) {
        if (env.name == deployed->environment && env.url == deployed->url) {
            caFile = env.caFile;
        }
    }
    return DeployedModel(*deployed, caFile, false);
}

ollama::OllamaClient* DeployedModel::client(QNetworkAccessManager* network, QObject* parent) const
{
    auto client = std::make_unique<ollama::OllamaClient>(network, QUrl(QString::fromStdString(m_record.url)));
    if (!m_caFile.empty()) {
        client->setCaFile(QString::fromStdString(m_caFile));
    }
    client->setParent(parent);
    return client.release();
}

} // namespace deepext
