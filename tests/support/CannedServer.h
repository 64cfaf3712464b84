#pragma once

#include <QByteArray>
#include <QTcpServer>
#include <QUrl>

namespace deepext::test {

// An HTTP server on 127.0.0.1 that answers every request with the same bytes and closes the connection (a 403 from
// a loopback Ollama's Host check, say); with an empty answer it accepts and never answers.
class CannedServer : public QTcpServer
{
public:
    explicit CannedServer(QByteArray answer);
    QUrl url() const;

private:
    QByteArray m_answer;
};

} // namespace deepext::test
