#include "ServerWorker.h"

#include "HttpConnection.h"

#include <QHostAddress>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>

namespace deepext::fake {

ServerWorker::ServerWorker(ServerState& state, QObject* parent)
    : QObject(parent)
    , m_state(state)
{
}

ServerWorker::~ServerWorker() = default;

void ServerWorker::setTls(const QSslConfiguration& configuration)
{
    m_tls = configuration;
    delete m_server;
    m_server = nullptr;
}

bool ServerWorker::listen(quint16 port)
{
    if (!m_server) {
        if (m_tls) {
            auto* server = new QSslServer(this);
            server->setSslConfiguration(*m_tls);
            server->setHandshakeTimeout(10000);
            m_server = server;
        } else {
            m_server = new QTcpServer(this);
        }
        // A QSslServer queues a socket only once its handshake is done, which pendingConnectionAvailable tells.
        connect(m_server, &QTcpServer::newConnection, this, &ServerWorker::onNewConnection);
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, &ServerWorker::onNewConnection);
    }
    if (m_server->isListening()) {
        return true;
    }
    if (!m_server->listen(QHostAddress::LocalHost, port)) {
        return false;
    }
    m_port = m_server->serverPort();
    return true;
}

void ServerWorker::stopListening()
{
    if (m_server) {
        m_server->close();
    }
}

bool ServerWorker::resumeListening()
{
    return m_port != 0 && listen(m_port);
}

void ServerWorker::dropConnections()
{
    const QList<QPointer<HttpConnection>> connections = m_connections;
    for (const QPointer<HttpConnection>& connection : connections) {
        if (connection) {
            connection->abortNow();
        }
    }
}

void ServerWorker::releaseHeld()
{
    bool any = false;
    for (const QPointer<HttpConnection>& connection : m_connections) {
        if (connection && connection->isHeld()) {
            connection->releaseHold();
            any = true;
        }
    }
    if (!any) {
        m_state.addReleaseToken(); // for the create that has not reached its hold point yet
    }
}

void ServerWorker::releaseStalled()
{
    for (const QPointer<HttpConnection>& connection : m_connections) {
        if (connection) {
            connection->releaseStall();
        }
    }
}

void ServerWorker::shutdown()
{
    dropConnections();
    for (const QPointer<HttpConnection>& connection : m_connections) {
        delete connection.data();
    }
    m_connections.clear();
    delete m_server;
    m_server = nullptr;
}

int ServerWorker::connectionCount() const
{
    return static_cast<int>(std::count_if(m_connections.begin(), m_connections.end(),
                                          [](const QPointer<HttpConnection>& c) { return !c.isNull(); }));
}

void ServerWorker::onNewConnection()
{
    while (QTcpSocket* socket = m_server->nextPendingConnection()) {
        if (m_state.faults().refuseConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto* connection = new HttpConnection(socket, m_state, m_nextId++, this);
        m_connections.append(connection);
        connect(connection, &HttpConnection::stateChanged, this, &ServerWorker::recount);
        connect(connection, &HttpConnection::closed, this, [this](HttpConnection* closed) {
            m_connections.removeAll(closed);
            closed->deleteLater();
            recount();
        });
    }
}

void ServerWorker::recount()
{
    int held = 0;
    int stalled = 0;
    for (const QPointer<HttpConnection>& connection : m_connections) {
        if (connection) {
            held += connection->isHeld() ? 1 : 0;
            stalled += connection->isStalled() ? 1 : 0;
        }
    }
    m_state.setHeldCount(held);
    m_state.setStalledCount(stalled);
}

} // namespace deepext::fake
