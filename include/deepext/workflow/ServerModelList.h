#pragma once

#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/ServerChoice.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

class QNetworkAccessManager;

namespace deepext {

namespace ollama {
class OllamaCall;
struct OllamaResult;
} // namespace ollama

// The models an Ollama server has (GET /api/tags), for evaluating one it already has beside our deployments: `eval
// --server-model` checks its names here before any prompt runs, the Evaluate dialog lists them. Asked on the event
// loop; finished() once, from the event loop (also when the server or its CA file cannot be used), or from cancel().
class ServerModelList final : public QObject
{
    Q_OBJECT

public:
    ServerModelList(QNetworkAccessManager* network, ServerChoice server, QObject* parent = nullptr);
    ~ServerModelList() override;

    void start();
    void cancel();

    bool isFinished() const { return m_finished; }
    bool ok() const { return m_finished && m_error.isEmpty(); }
    // Why there is no list, naming the server (empty when ok()).
    const QString& error() const { return m_error; }
    const ServerChoice& server() const { return m_server; }
    // As the server lists them ("llama3.2:1b", "base:latest"), in its order.
    const std::vector<std::string>& names() const { return m_names; }
    // Whether the server has `ollamaName` (any case, ":latest" optional, as Ollama matches names).
    bool has(const std::string& ollamaName) const;
    // One target a name, in order. Throws deepext::Error naming the server and listing what it has when it lacks one.
    std::vector<DeployedModel> targets(const std::vector<std::string>& ollamaNames) const;

signals:
    void finished(bool ok);

private:
    void fail(const QString& message);
    void onTags(const ollama::OllamaResult& result);

    QNetworkAccessManager* m_network;
    ServerChoice m_server;
    QPointer<ollama::OllamaCall> m_call;
    std::vector<std::string> m_names;
    QString m_error;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace deepext
