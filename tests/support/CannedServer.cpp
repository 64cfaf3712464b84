#include "CannedServer.h"

#include <QTcpSocket>

namespace deepext::test {

CannedServer::CannedServer(QByteArray answer)
    : m_answer(std::move(answer))
{
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                socket->readAll();
                if (!m_answer.isEmpty()) {
                    socket->write(m_answer);
                    socket->disconnectFromHost();
                }
            });
        }
    });
    listen(QHostAddress::LocalHost, 0);
}

QUrl CannedServer::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort()));
}

} // namespace deepext::test
