#include "deepext/workflow/PostDeployCheck.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/workflow/DeployedModel.h"

#include <QRegularExpression>

namespace deepext {

namespace {

// The special tokens a template writes (<|eot_id|>, <|im_end|>, </s>, <end_of_turn>, ...), in order, once each.
QStringList specialTokens(const QString& templateText)
{
    QStringList tokens;
    static const QRegularExpression pattern(QStringLiteral(R"(<\|[^|<>\s]{1,40}\|>|</?[a-z_]{1,20}>|\[/?INST\])"));
    for (auto it = pattern.globalMatch(templateText); it.hasNext();) {
        const QString token = it.next().captured(0);
        if (!tokens.contains(token)) {
            tokens.append(token);
        }
    }
    return tokens;
}

// The values of the "stop" lines of /api/show's "parameters" text ("stop    \"<|eot_id|>\"").
QStringList stopParameters(const QString& parameters)
{
    QStringList stops;
    for (const QString& line : parameters.split(u'\n')) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QStringLiteral("stop "))) {
            stops.append(trimmed.mid(5).trimmed());
        }
    }
    return stops;
}

} // namespace

const char* PostDeployCheck::greeting()
{
    return "Hello! Please introduce yourself in one sentence.";
}

PostDeployCheck::PostDeployCheck(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent)
    , m_network(network)
{
}

void PostDeployCheck::start(const DeployedModel& target)
{
    m_record = target.record();
    m_client = target.client(m_network, this);
    ollama::ChatRequest request;
    request.model = QString::fromStdString(m_record.ollamaName);
    request.messages.append(ollama::ChatMessage{QStringLiteral("user"), QString::fromLatin1(greeting())});
    request.options.numPredict = MaxTokens;
    request.options.temperature = 0.0;
    request.options.seed = Seed;
    m_call = m_client->chat(request);
    connect(m_call, &ollama::ChatCall::finished, this, [this](const ollama::OllamaResult& result) {
        if (result.cancelled()) {
            return;
        }
        if (!result.ok()) {
            finish(QStringLiteral("error"), result.serverMessage.isEmpty() ? result.message : result.serverMessage);
            return;
        }
        const ollama::ChatReply& reply = m_call->reply();
        if (!reply.stoppedByItself()) {
            explainRunOn(reply.text);
        } else if (reply.text.trimmed().isEmpty()) {
            finish(QStringLiteral("empty"), QStringLiteral("%1 answered the greeting with nothing at all: check its "
                                                           "template in the Deployment Template File.")
                                                .arg(QString::fromStdString(m_record.ollamaName)));
        } else {
            finish(QStringLiteral("ok"), reply.text.trimmed().left(200));
        }
    });
}

void PostDeployCheck::explainRunOn(const QString& reply)
{
    const QString name = QString::fromStdString(m_record.ollamaName);
    ollama::OllamaCall* show = m_client->show(name);
    connect(show, &ollama::OllamaCall::finished, this, [this, name, reply](const ollama::OllamaResult& result) {
        QString templateText;
        QString parameters;
        if (result.ok()) {
            templateText = QString::fromStdString(ollama::OllamaCall::stringField(result.json, "template"));
            parameters = QString::fromStdString(ollama::OllamaCall::stringField(result.json, "parameters"));
        }
        const QStringList tokens = specialTokens(templateText);
        const QStringList stops = stopParameters(parameters);
        finish(QStringLiteral("did_not_stop"),
               QStringLiteral("%1 did not stop by itself: its answer to a greeting ran to the limit of %2 tokens. Its "
                              "template ends a turn with %3 and its stop parameters are %4, but the model does not "
                              "emit them. Fix the Deployment Template File of its base model (the template, and a "
                              "PARAMETER stop line for each end-of-turn token the fine-tune emits) and deploy again. "
                              "The reply began: %5")
                   .arg(name)
                   .arg(MaxTokens)
                   .arg(tokens.isEmpty() ? QStringLiteral("no special token") : tokens.last(),
                        stops.isEmpty() ? QStringLiteral("none") : stops.join(QStringLiteral(", ")),
                        reply.simplified().left(120)));
    });
}

void PostDeployCheck::cancel()
{
    m_cancelled = true;
    if (m_call) {
        m_call->cancel();
    }
}

void PostDeployCheck::finish(const QString& outcome, const QString& message)
{
    if (m_cancelled) {
        return;
    }
    emit finished(outcome, message);
}

void PostDeployCheck::record(const Workspace& workspace, const DeploymentRecord& deployed, const QString& outcome,
                             const QString& message)
{
    DeploymentRecord record = deployed;
    for (const auto& current : workspace.deployments()) {
        if (current.uuid == deployed.uuid) {
            record = current;
        }
    }
    record.check = outcome.toStdString();
    record.checkMessage = message.toStdString();
    workspace.upsertDeployment(record);
}

} // namespace deepext
