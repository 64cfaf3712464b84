#pragma once

#include "ServerState.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <optional>

class QTcpServer;

namespace deepext::fake {

class HttpConnection;

// Lives on the server thread: owns the listening socket and the connections, and carries out the test thread's
// requests (listen, refuse, release) there.
class ServerWorker : public QObject
{
    Q_OBJECT

public:
    explicit ServerWorker(ServerState& state, QObject* parent = nullptr);
    ~ServerWorker() override;

    // All of these run on the server thread.
    // Serve https with this configuration (certificate and key) from the next listen on.
    void setTls(const QSslConfiguration& configuration);
    bool listen(quint16 port);
    quint16 port() const { return m_port; }
    void stopListening();
    bool resumeListening();
    void dropConnections();
    void releaseHeld();
    void releaseStalled();
    void shutdown();
    int connectionCount() const;

private:
    void onNewConnection();
    void recount();

    ServerState& m_state;
    QTcpServer* m_server = nullptr; // a QSslServer when m_tls is set
    std::optional<QSslConfiguration> m_tls;
    QList<QPointer<HttpConnection>> m_connections;
    quint16 m_port = 0;
    int m_nextId = 1;
};

} // namespace deepext::fake
