#pragma once

#include <QLabel>
#include <QString>

#include <string>

class QNetworkAccessManager;

namespace deepext::gui {

// Says whether the Ollama server at a URL answers, and its version ("✓ Ollama 0.x is running at …"), or what is
// wrong. Asked on the event loop; asking again about the same server does nothing, and only the latest question's
// answer is shown when the user switches servers quickly.
class ServerStatusLabel final : public QLabel
{
    Q_OBJECT

public:
    ServerStatusLabel(QNetworkAccessManager* network, QWidget* parent = nullptr);

    void check(const std::string& serverUrl, const std::string& caFile);

private:
    QNetworkAccessManager* m_network;
    QString m_checkedServer;
    quint64 m_checks = 0;
};

} // namespace deepext::gui
