#pragma once

#include "deepext/base/Records.h"

#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

class QNetworkAccessManager;

namespace deepext {

class JobRunner;
class Workspace;

// Per server URL, the comparison keys (OllamaName::comparisonKey) of the models it has.
using ServerModels = std::map<std::string, std::set<std::string>>;

// The network chores around deployment records: ask each environment which models it still has (--refresh), remove
// a deployed model from its Ollama (undeploy), and test an environment's connection. The network talk runs on the
// event loop; every registry read and record write runs through `runner` (its pool in the window, so a registry lock
// held by another process never stalls the event loop; inline in the CLI when no runner is given). Whatever fails,
// finished() is emitted once per call with a message; nothing thrown leaves a callback.
class DeploymentMaintenance final : public QObject
{
    Q_OBJECT

public:
    DeploymentMaintenance(const Workspace& workspace, QNetworkAccessManager* network, JobRunner* runner = nullptr,
                          QObject* parent = nullptr);
    ~DeploymentMaintenance() override;

    // Updates presentOnServer/refreshedAt of every record whose server answers; servers that do not answer are
    // reported through finished()'s message, their records left as they were.
    void refresh();
    // The same questions as refresh(), nothing written: presenceChecked() with what each answering server has (the
    // window's live view asks every minute; the records' presentOnServer stays what the last refresh wrote).
    void checkPresence();
    // `ollamaName`: any case, ":latest" optional. A 404 means already gone: said so, record marked removed.
    void undeploy(const std::string& ollamaName);
    // Emits connectionTested with the server's version, or the reason it failed.
    void testConnection(const QString& url, const QString& caFile);

signals:
    void finished(bool ok, const QString& message, const QString& details);
    void connectionTested(bool ok, const QString& versionOrReason);
    // `problems`: one line per server that did not answer, empty when all did.
    void presenceChecked(const deepext::ServerModels& present, const QString& problems);

private:
    struct Server
    {
        std::string url;
        std::string caFile;
    };
    // Asks the next pending server; with `seen`, only collects what it has (checkPresence), else updates its records.
    void refreshNext(std::shared_ptr<std::vector<Server>> pending, std::shared_ptr<std::vector<std::string>> problems,
                     std::shared_ptr<ServerModels> seen = nullptr);
    void gatherServers(std::function<void(std::vector<Server>)> next);
    void markRemoved(const DeploymentRecord& removed, bool wasThere);
    void finishLater(bool ok, const QString& message, const QString& details);

    const Workspace& m_workspace;
    QNetworkAccessManager* m_network;
    std::unique_ptr<JobRunner> m_inlineRunner;
    JobRunner* m_runner;
};

} // namespace deepext
