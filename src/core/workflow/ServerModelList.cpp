#include "deepext/workflow/ServerModelList.h"

#include "deepext/base/Error.h"
#include "deepext/ollama/OllamaCall.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaName.h"

#include <QUrl>

#include <algorithm>

namespace deepext {

ServerModelList::ServerModelList(QNetworkAccessManager* network, ServerChoice server, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_server(std::move(server))
{
}

ServerModelList::~ServerModelList()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
}

void ServerModelList::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    auto* client = new ollama::OllamaClient(m_network, QUrl(QString::fromStdString(m_server.url())), this);
    if (!m_server.caFile().empty()) {
        try {
            client->setCaFile(QString::fromStdString(m_server.caFile()));
        } catch (const Error& error) {
            // Reported from the event loop, like every other failure.
            QMetaObject::invokeMethod(
                this, [this, message = QString::fromStdString(error.message())] { fail(message); },
                Qt::QueuedConnection);
            return;
        }
    }
    m_call = client->tags();
    connect(m_call, &ollama::OllamaCall::finished, this, &ServerModelList::onTags);
}

void ServerModelList::cancel()
{
    if (!m_started || m_finished) {
        return;
    }
    if (m_call) {
        m_call->disconnect(this);
        m_call->cancel();
    }
    fail(QStringLiteral("cancelled"));
}

void ServerModelList::fail(const QString& message)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_error = message;
    emit finished(false);
}

void ServerModelList::onTags(const ollama::OllamaResult& result)
{
    m_call->deleteLater();
    m_call = nullptr;
    if (!result.ok()) {
        // The client's message names the server and what to do.
        fail(result.message);
        return;
    }
    m_names = ollama::OllamaCall::modelNames(result.json);
    m_finished = true;
    emit finished(true);
}

bool ServerModelList::has(const std::string& ollamaName) const
{
    return std::any_of(m_names.begin(), m_names.end(),
                       [&](const std::string& name) { return ollama::OllamaName::sameModel(name, ollamaName); });
}

std::vector<DeployedModel> ServerModelList::targets(const std::vector<std::string>& ollamaNames) const
{
    if (!ok()) {
        throw Error(m_error.isEmpty() ? "the models of " + m_server.display() + " were not listed"
                                      : m_error.toStdString());
    }
    std::vector<DeployedModel> targets;
    for (const std::string& name : ollamaNames) {
        if (!has(name)) {
            std::string listed;
            for (const std::string& other : m_names) {
                listed += (listed.empty() ? "" : ", ") + other;
            }
            throw Error("the server " + m_server.display() +
                        (m_server.environment().empty() ? "" : " (environment " + m_server.environment() + ")") +
                        " has no model named " + name + "; " +
                        (listed.empty() ? "it has no models" : "it has: " + listed) +
                        " (pull it there with 'ollama pull', or pick another --env)");
        }
        targets.push_back(DeployedModel::onServer(m_server.url(), m_server.caFile(), m_server.environment(), name));
    }
    return targets;
}

} // namespace deepext
