#pragma once

#include <QObject>
#include <QString>

#include <string>

class QNetworkAccessManager;

namespace deepext {

class Workspace;

// The network chores around deployment records, on the event loop: ask each environment which models it still has
// (--refresh), remove a deployed model from its Ollama (undeploy), and test an environment's connection.
class DeploymentMaintenance final : public QObject
{
    Q_OBJECT

public:
    DeploymentMaintenance(const Workspace& workspace, QNetworkAccessManager* network, QObject* parent = nullptr);

    // Updates presentOnServer/refreshedAt of every record whose server answers; servers that do not answer are
    // reported through finished()'s message, their records left as they were.
    void refresh();
    // `ollamaName`: any case, ":latest" optional. A 404 means already gone: said so, record marked removed.
    void undeploy(const std::string& ollamaName);
    // Emits connectionTested with the server's version, or the reason it failed.
    void testConnection(const QString& url, const QString& caFile);

signals:
    void finished(bool ok, const QString& message, const QString& details);
    void connectionTested(bool ok, const QString& versionOrReason);

private:
    const Workspace& m_workspace;
    QNetworkAccessManager* m_network;
};

} // namespace deepext
