#include "gui/ServerStatusLabel.h"

#include "deepext/base/Error.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaHost.h"

#include <QUrl>

namespace deepext::gui {

ServerStatusLabel::ServerStatusLabel(QNetworkAccessManager* network, QWidget* parent)
    : QLabel(parent)
    , m_network(network)
{
    setObjectName(QStringLiteral("serverStatusLabel"));
    setWordWrap(true);
}

void ServerStatusLabel::check(const std::string& serverUrl, const std::string& caFile)
{
    const QString url = QString::fromStdString(serverUrl);
    if (url == m_checkedServer) {
        return;
    }
    m_checkedServer = url;
    const quint64 check = ++m_checks;
    const QString server = ollama::OllamaHost::display(serverUrl);
    setText(tr("Asking Ollama at %1…").arg(server));
    auto* client = new ollama::OllamaClient(m_network, QUrl(url), this);
    if (!caFile.empty()) {
        try {
            client->setCaFile(QString::fromStdString(caFile));
        } catch (const Error& error) {
            setText(QString::fromStdString(error.message()));
            client->deleteLater();
            return;
        }
    }
    ollama::OllamaCall* call = client->testConnection();
    connect(call, &ollama::OllamaCall::finished, this,
            [this, client, call, check, server](const ollama::OllamaResult& result) {
                call->deleteLater();
                client->deleteLater();
                if (check != m_checks) {
                    return; // the user has chosen another server meanwhile
                }
                setText(result.ok() ? tr("✓ %1").arg(result.message)
                                    : tr("Ollama at %1 does not answer as it should: %2").arg(server, result.message));
            });
}

} // namespace deepext::gui
