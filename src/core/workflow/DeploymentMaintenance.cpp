#include "deepext/workflow/DeploymentMaintenance.h"

#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaName.h"

#include <QUrl>

#include <map>
#include <memory>
#include <set>

namespace deepext {
namespace {

// A client owned by `parent`, freed with deleteLater() once its call has finished (its calls are its children).
ollama::OllamaClient* clientFor(QNetworkAccessManager* network, const std::string& url, const std::string& caFile,
                                QObject* parent)
{
    auto client = std::make_unique<ollama::OllamaClient>(network, QUrl(QString::fromStdString(url)));
    if (!caFile.empty()) {
        client->setCaFile(QString::fromStdString(caFile));
    }
    client->setParent(parent);
    return client.release();
}

std::string caFileFor(const Workspace& workspace, const DeploymentRecord& record)
{
    for (const auto& env : workspace.environments()) {
        if (env.name == record.environment && env.url == record.url) {
            return env.caFile;
        }
    }
    return {};
}

} // namespace

DeploymentMaintenance::DeploymentMaintenance(const Workspace& workspace, QNetworkAccessManager* network,
                                             QObject* parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_network(network)
{
}

void DeploymentMaintenance::refresh()
{
    // One /api/tags per server, one after the other; each answer updates the records of that server.
    std::map<std::string, std::string> servers; // url -> CA file
    for (const auto& record : m_workspace.deployments()) {
        if (record.status == "deployed" || record.status == "removed") {
            servers.emplace(record.url, caFileFor(m_workspace, record));
        }
    }
    auto pending = std::make_shared<std::vector<std::pair<std::string, std::string>>>(servers.begin(), servers.end());
    auto problems = std::make_shared<std::vector<std::string>>();
    auto next = std::make_shared<std::function<void()>>();
    *next = [this, pending, problems, next]() {
        if (pending->empty()) {
            std::string details;
            for (const auto& problem : *problems) {
                details += (details.empty() ? "" : "\n") + problem;
            }
            emit finished(problems->empty(),
                          problems->empty()
                              ? tr("Refreshed.")
                              : tr("%n server(s) did not answer.", nullptr, static_cast<int>(problems->size())),
                          QString::fromStdString(details));
            *next = nullptr; // break the self-reference
            return;
        }
        const auto [url, caFile] = pending->back();
        pending->pop_back();
        ollama::OllamaClient* client = nullptr;
        try {
            client = clientFor(m_network, url, caFile, this);
        } catch (const Error& error) {
            problems->push_back(url + ": " + error.message());
            (*next)();
            return;
        }
        auto* call = client->tags();
        connect(call, &ollama::OllamaCall::finished, this,
                [this, client, url = url, problems, next](const ollama::OllamaResult& result) {
                    client->deleteLater();
                    if (!result.ok()) {
                        problems->push_back(result.message.toStdString());
                    } else {
                        std::set<std::string> present;
                        for (const auto& model : result.json.value("models", nlohmann::json::array())) {
                            present.insert(ollama::OllamaName::comparisonKey(
                                model.value("name", model.value("model", std::string()))));
                        }
                        const std::string now = isoNowUtc();
                        for (auto record : m_workspace.deployments()) {
                            if (record.url != url || (record.status != "deployed" && record.status != "removed")) {
                                continue;
                            }
                            record.presentOnServer =
                                present.count(ollama::OllamaName::comparisonKey(record.ollamaName)) > 0;
                            record.refreshedAt = now;
                            m_workspace.upsertDeployment(record);
                        }
                    }
                    QMetaObject::invokeMethod(
                        this, [next] { (*next)(); }, Qt::QueuedConnection);
                });
    };
    (*next)();
}

void DeploymentMaintenance::undeploy(const std::string& ollamaName)
{
    std::optional<DeploymentRecord> target;
    for (const auto& record : m_workspace.deployments()) {
        // The newest deployed record of that name wins (a name can be reused after a removal).
        if (ollama::OllamaName::sameModel(record.ollamaName, ollamaName) && record.status == "deployed") {
            target = record;
        }
    }
    if (!target) {
        for (const auto& record : m_workspace.deployments()) {
            if (ollama::OllamaName::sameModel(record.ollamaName, ollamaName)) {
                target = record;
            }
        }
    }
    if (!target) {
        const QString name = QString::fromStdString(ollamaName);
        QMetaObject::invokeMethod(
            this,
            [this, name] {
                emit finished(false, tr("No deployment record names %1 (see 'deepext-cli deployed').").arg(name),
                              QString());
            },
            Qt::QueuedConnection);
        return;
    }
    ollama::OllamaClient* client = nullptr;
    try {
        client = clientFor(m_network, target->url, caFileFor(m_workspace, *target), this);
    } catch (const Error& error) {
        const QString message = QString::fromStdString(error.message());
        QMetaObject::invokeMethod(
            this, [this, message] { emit finished(false, message, QString()); }, Qt::QueuedConnection);
        return;
    }
    auto* call = client->deleteModel(QString::fromStdString(target->ollamaName));
    connect(call, &ollama::OllamaCall::finished, this,
            [this, client, record = *target](const ollama::OllamaResult& result) mutable {
                client->deleteLater();
                if (!result.ok()) {
                    emit finished(false, result.message, result.serverMessage);
                    return;
                }
                const bool wasThere = result.json.value("deleted", true);
                record.status = "removed";
                record.presentOnServer = false;
                record.endedAt = isoNowUtc();
                m_workspace.upsertDeployment(record);
                const QString server = ollama::OllamaHost::display(record.url);
                logging::net()->info("removed {} from {}", record.ollamaName, server.toStdString());
                emit finished(true,
                              wasThere
                                  ? tr("Removed %1 from %2.").arg(QString::fromStdString(record.ollamaName), server)
                                  : tr("%1 was already gone from %2; the record is marked removed.")
                                        .arg(QString::fromStdString(record.ollamaName), server),
                              QString());
            });
}

void DeploymentMaintenance::testConnection(const QString& url, const QString& caFile)
{
    ollama::OllamaClient* client = nullptr;
    try {
        client = clientFor(m_network, url.toStdString(), caFile.toStdString(), this);
    } catch (const Error& error) {
        const QString message = QString::fromStdString(error.message());
        QMetaObject::invokeMethod(
            this, [this, message] { emit connectionTested(false, message); }, Qt::QueuedConnection);
        return;
    }
    auto* call = client->testConnection();
    connect(call, &ollama::OllamaCall::finished, this, [this, client](const ollama::OllamaResult& result) {
        client->deleteLater();
        emit connectionTested(result.ok(), result.message);
    });
}

} // namespace deepext
