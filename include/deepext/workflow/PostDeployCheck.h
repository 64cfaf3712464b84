#pragma once

#include "deepext/base/Records.h"

#include <QObject>
#include <QPointer>
#include <QString>

class QNetworkAccessManager;

namespace deepext {

class DeployedModel;
class Workspace;

namespace ollama {
class ChatCall;
class OllamaClient;
} // namespace ollama

// The check right after a deploy: one short chat with the model just created (a fixed greeting, num_predict 64,
// temperature 0, a fixed seed). Outcome: "ok" (stopped by itself, not empty), "did_not_stop" (hit the limit: the
// warning names the template's end-of-turn token and the stop parameters, from /api/show, and how to fix the
// Deployment Template File), "empty", or "error" (Ollama's text). The caller writes it into the deployment record
// with record() (registry I/O: off the GUI thread in the window); it never makes the deploy a failure. On the event
// loop, touching no file; finished() once (not after cancel()).
class PostDeployCheck final : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxTokens = 64;
    static constexpr int Seed = 42;
    static const char* greeting();

    explicit PostDeployCheck(QNetworkAccessManager* network, QObject* parent = nullptr);
    void start(const DeployedModel& target);
    void cancel();

    // Keeps the outcome in the deployment record `deployed` (found again by its uuid). Throws deepext::Error.
    static void record(const Workspace& workspace, const DeploymentRecord& deployed, const QString& outcome,
                       const QString& message);

signals:
    void finished(const QString& outcome, const QString& message);

private:
    void explainRunOn(const QString& reply);
    void finish(const QString& outcome, const QString& message);

    QNetworkAccessManager* m_network;
    DeploymentRecord m_record;
    ollama::OllamaClient* m_client = nullptr;
    QPointer<ollama::ChatCall> m_call;
    bool m_cancelled = false;
};

} // namespace deepext
