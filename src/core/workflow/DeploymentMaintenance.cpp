#include "deepext/workflow/DeploymentMaintenance.h"

#include "deepext/base/Error.h"
#include "deepext/base/JobRunner.h"
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
                                             JobRunner* runner, QObject* parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_network(network)
    , m_inlineRunner(runner ? nullptr : std::make_unique<JobRunner>(JobRunner::Mode::Inline))
    , m_runner(runner ? runner : m_inlineRunner.get())
{
}

DeploymentMaintenance::~DeploymentMaintenance() = default;

void DeploymentMaintenance::finishLater(bool ok, const QString& message, const QString& details)
{
    // Always from the event loop: a caller that starts its loop after the call still hears it.
    QMetaObject::invokeMethod(
        this, [this, ok, message, details] { emit finished(ok, message, details); }, Qt::QueuedConnection);
}

void DeploymentMaintenance::gatherServers(std::function<void(std::vector<Server>)> next)
{
    m_runner->run(
        this,
        [workspace = m_workspace] {
            std::map<std::string, std::string> servers; // url -> CA file
            for (const auto& record : workspace.deployments()) {
                if (record.status == DeploymentStatus::Deployed || record.status == DeploymentStatus::Removed) {
                    servers.emplace(record.url, caFileFor(workspace, record));
                }
            }
            std::vector<Server> out;
            for (const auto& [url, caFile] : servers) {
                out.push_back(Server{url, caFile});
            }
            return out;
        },
        [this, next = std::move(next)](JobOutcome<std::vector<Server>> outcome) {
            if (!outcome.ok()) {
                finishLater(false, tr("The deployment records could not be read: %1").arg(outcome.failure.message),
                            outcome.failure.details);
                return;
            }
            next(std::move(*outcome.value));
        });
}

void DeploymentMaintenance::refresh()
{
    // One /api/tags per server, one after the other; each answer updates the records of that server.
    gatherServers([this](std::vector<Server> servers) {
        refreshNext(std::make_shared<std::vector<Server>>(std::move(servers)),
                    std::make_shared<std::vector<std::string>>());
    });
}

void DeploymentMaintenance::checkPresence()
{
    gatherServers([this](std::vector<Server> servers) {
        refreshNext(std::make_shared<std::vector<Server>>(std::move(servers)),
                    std::make_shared<std::vector<std::string>>(), std::make_shared<ServerModels>());
    });
}

void DeploymentMaintenance::refreshNext(std::shared_ptr<std::vector<Server>> pending,
                                        std::shared_ptr<std::vector<std::string>> problems,
                                        std::shared_ptr<ServerModels> seen)
{
    if (pending->empty()) {
        std::string details;
        for (const auto& problem : *problems) {
            details += (details.empty() ? "" : "\n") + problem;
        }
        if (seen) {
            QMetaObject::invokeMethod(
                this, [this, seen, details = QString::fromStdString(details)] { emit presenceChecked(*seen, details); },
                Qt::QueuedConnection);
            return;
        }
        finishLater(problems->empty(),
                    problems->empty() ? tr("Refreshed.")
                                      : tr("%n server(s) could not be refreshed; the details say why.", nullptr,
                                           static_cast<int>(problems->size())),
                    QString::fromStdString(details));
        return;
    }
    const Server server = pending->back();
    pending->pop_back();
    const std::string shown = ollama::OllamaHost::display(server.url).toStdString();
    ollama::OllamaClient* client = nullptr;
    if (const auto failure = catchFailure([&] { client = clientFor(m_network, server.url, server.caFile, this); })) {
        problems->push_back(shown + ": " + failure->message.toStdString());
        refreshNext(pending, problems, seen);
        return;
    }
    auto* call = client->tags();
    connect(call, &ollama::OllamaCall::finished, this,
            [this, client, server, shown, pending, problems, seen](const ollama::OllamaResult& result) {
                client->deleteLater();
                if (!result.ok()) {
                    problems->push_back(result.message.toStdString());
                    refreshNext(pending, problems, seen);
                    return;
                }
                std::set<std::string> present;
                if (const auto failure = catchFailure([&] {
                        for (const auto& model : result.json.value("models", nlohmann::json::array())) {
                            present.insert(ollama::OllamaName::comparisonKey(
                                model.value("name", model.value("model", std::string()))));
                        }
                    })) {
                    problems->push_back(shown + ": the list of models is not what Ollama sends (" +
                                        failure->message.toStdString() + ")");
                    refreshNext(pending, problems, seen);
                    return;
                }
                if (seen) {
                    (*seen)[server.url] = std::move(present);
                    refreshNext(pending, problems, seen);
                    return;
                }
                m_runner->run(
                    this,
                    [workspace = m_workspace, url = server.url, present] {
                        const std::string now = isoNowUtc();
                        for (auto record : workspace.deployments()) {
                            if (record.url != url || (record.status != DeploymentStatus::Deployed &&
                                                      record.status != DeploymentStatus::Removed)) {
                                continue;
                            }
                            record.presentOnServer =
                                present.count(ollama::OllamaName::comparisonKey(record.ollamaName)) > 0;
                            record.refreshedAt = now;
                            workspace.upsertDeployment(record);
                        }
                    },
                    [this, shown, pending, problems](JobOutcome<std::monostate> outcome) {
                        if (!outcome.ok()) {
                            problems->push_back(
                                shown + ": its records could not be updated: " + outcome.failure.message.toStdString());
                        }
                        refreshNext(pending, problems);
                    });
            });
}

void DeploymentMaintenance::undeploy(const std::string& ollamaName)
{
    struct Target
    {
        DeploymentRecord record;
        std::string caFile;
    };
    m_runner->run(
        this,
        [workspace = m_workspace, ollamaName]() -> std::optional<Target> {
            std::optional<DeploymentRecord> target;
            const auto records = workspace.deployments();
            for (const auto& record : records) {
                // The newest deployed record of that name wins (a name can be reused after a removal).
                if (ollama::OllamaName::sameModel(record.ollamaName, ollamaName) &&
                    record.status == DeploymentStatus::Deployed) {
                    target = record;
                }
            }
            if (!target) {
                for (const auto& record : records) {
                    if (ollama::OllamaName::sameModel(record.ollamaName, ollamaName)) {
                        target = record;
                    }
                }
            }
            if (!target) {
                return std::nullopt;
            }
            return Target{*target, caFileFor(workspace, *target)};
        },
        [this, ollamaName](JobOutcome<std::optional<Target>> outcome) {
            if (!outcome.ok()) {
                finishLater(false, tr("The deployment records could not be read: %1").arg(outcome.failure.message),
                            outcome.failure.details);
                return;
            }
            if (!*outcome.value) {
                finishLater(false,
                            tr("No deployment record names %1 (see 'deepext-cli deployed').")
                                .arg(QString::fromStdString(ollamaName)),
                            QString());
                return;
            }
            const Target target = **outcome.value;
            ollama::OllamaClient* client = nullptr;
            if (const auto failure =
                    catchFailure([&] { client = clientFor(m_network, target.record.url, target.caFile, this); })) {
                finishLater(false, failure->message, failure->details);
                return;
            }
            auto* call = client->deleteModel(QString::fromStdString(target.record.ollamaName));
            connect(call, &ollama::OllamaCall::finished, this,
                    [this, client, record = target.record](const ollama::OllamaResult& result) {
                        client->deleteLater();
                        if (!result.ok()) {
                            finishLater(false, result.message, result.serverMessage);
                            return;
                        }
                        bool wasThere = true;
                        catchFailure([&] { wasThere = result.json.value("deleted", true); });
                        markRemoved(record, wasThere);
                    });
        });
}

void DeploymentMaintenance::markRemoved(const DeploymentRecord& removed, bool wasThere)
{
    m_runner->run(
        this,
        [workspace = m_workspace, removed] {
            // The record as it is now (a refresh may have touched it since it was read), marked removed.
            DeploymentRecord record = removed;
            for (const auto& current : workspace.deployments()) {
                if (current.uuid == removed.uuid) {
                    record = current;
                }
            }
            record.status = DeploymentStatus::Removed;
            record.presentOnServer = false;
            record.endedAt = isoNowUtc();
            workspace.upsertDeployment(record);
        },
        [this, removed, wasThere](JobOutcome<std::monostate> outcome) {
            const QString name = QString::fromStdString(removed.ollamaName);
            const QString server = ollama::OllamaHost::display(removed.url);
            if (!outcome.ok()) {
                finishLater(false,
                            tr("%1 was removed from %2, but its record could not be marked removed: %3")
                                .arg(name, server, outcome.failure.message),
                            outcome.failure.details);
                return;
            }
            logging::net()->info("removed {} from {}", removed.ollamaName, server.toStdString());
            finishLater(true,
                        wasThere ? tr("Removed %1 from %2.").arg(name, server)
                                 : tr("%1 was already gone from %2; the record is marked removed.").arg(name, server),
                        QString());
        });
}

void DeploymentMaintenance::testConnection(const QString& url, const QString& caFile)
{
    ollama::OllamaClient* client = nullptr;
    if (const auto failure =
            catchFailure([&] { client = clientFor(m_network, url.toStdString(), caFile.toStdString(), this); })) {
        QMetaObject::invokeMethod(
            this, [this, message = failure->message] { emit connectionTested(false, message); }, Qt::QueuedConnection);
        return;
    }
    auto* call = client->testConnection();
    connect(call, &ollama::OllamaCall::finished, this, [this, client](const ollama::OllamaResult& result) {
        client->deleteLater();
        emit connectionTested(result.ok(), result.message);
    });
}

} // namespace deepext
