#pragma once

#include "deepext/ollama/ChatCall.h"
#include "deepext/ollama/ChatTypes.h"
#include "deepext/ollama/OllamaCall.h"

#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>

class QNetworkAccessManager;
class QNetworkRequest;

namespace deepext::ollama {

struct OllamaTimeouts
{
    // Connecting, and every small request (version, HEAD, tags, show, delete) between two bytes of its answer.
    std::chrono::milliseconds request{std::chrono::seconds(5)};
    // An upload that makes no progress for this long fails. /api/create has no timeout once it is sent: the
    // conversion may keep the stream silent for many minutes.
    std::chrono::milliseconds uploadStall{std::chrono::seconds(60)};
    // Chat and generate: from the request sent to the first piece of the reply. Ollama loads the model first, which
    // can take minutes on a CPU, and sends nothing meanwhile.
    std::chrono::milliseconds firstToken{std::chrono::minutes(5)};
    // Chat and generate: from the first piece to the end of the reply (a model that never stops is cut here).
    std::chrono::milliseconds reply{std::chrono::minutes(10)};
};

// The Ollama HTTP API used for deploying (docs/ollama-notes.md): one server URL, requests on the event loop through the
// injected QNetworkAccessManager, each returning an OllamaCall handle. Messages name the server URL.
class OllamaClient : public QObject
{
    Q_OBJECT

public:
    // `network` must outlive the client. `serverUrl` is http(s)://host:port[/base path].
    OllamaClient(QNetworkAccessManager* network, const QUrl& serverUrl, QObject* parent = nullptr);
    ~OllamaClient() override;

    // Trusts the certificates in a PEM (or DER) file in addition to the system's, for https servers signed by a
    // private CA. Certificate errors are never ignored. Throws deepext::Error naming the file when it holds none.
    void setCaFile(const QString& path);
    void setTimeouts(const OllamaTimeouts& timeouts) { m_timeouts = timeouts; }
    const OllamaTimeouts& timeouts() const { return m_timeouts; }
    const QUrl& serverUrl() const { return m_serverUrl; }
    // The URL as shown in messages.
    QString serverDisplay() const;

    // GET /api/version; result.json = {"version": "..."}. Fails as NotOllama unless the answer is Ollama's.
    OllamaCall* version();
    // "Test connection": version() whose result.message says "Ollama <v> is running at <URL>", and which fails
    // with an upgrade message when the server is older than 0.5.5 (too old to deploy to).
    OllamaCall* testConnection();
    // HEAD /api/blobs/<digest>; result.json = {"exists": bool}.
    OllamaCall* headBlob(const QString& digest);
    // POST /api/blobs/<digest> with the file's bytes streamed from disk; progress(sent, total).
    OllamaCall* postBlob(const QString& digest, const QString& filePath);
    // POST /api/create with `request` (stream is forced on); statusLine() per line, progress(completed, total).
    // Any line with "error" fails the call, whatever the HTTP status.
    OllamaCall* create(nlohmann::json request);
    // GET /api/tags; result.json = the body ({"models": [...]}).
    OllamaCall* tags();
    // DELETE /api/delete; result.json = {"deleted": true}, or {"deleted": false} when the model was already gone.
    OllamaCall* deleteModel(const QString& name);
    // POST /api/show; result.json = the body. A missing model fails with httpStatus 404.
    OllamaCall* show(const QString& name);
    // POST /api/chat or /api/generate, streamed: piece() per piece of text, then finished() with the whole reply in
    // call->reply(). Errors carry Ollama's text verbatim in serverMessage (e.g. model 'x' not found: httpStatus 404).
    ChatCall* chat(const ChatRequest& request, ChatEndpoint endpoint = ChatEndpoint::Chat);

    // "sha256:<64 lowercase hex>" from a hex digest (any case, with or without the prefix); nullopt when invalid.
    static std::optional<QString> blobDigest(const std::string& sha256);

private:
    QUrl endpoint(const QString& path) const;
    QNetworkRequest makeRequest(const QString& path, const QByteArray& accept) const;
    OllamaCall* newCall(OllamaCall::Kind kind, const QString& method, const QString& path);
    OllamaCall* sendJson(OllamaCall::Kind kind, const QByteArray& method, const QString& path,
                         const std::optional<nlohmann::json>& body);
    struct UrlProblem
    {
        OllamaResult::ErrorKind kind;
        QString message;
    };
    // Why the server URL cannot be used (not http(s), no host, no TLS backend), if it cannot.
    std::optional<UrlProblem> unusableUrl() const;
    // Fails the call at once when the URL cannot be used; true when it did.
    bool rejectUnusableUrl(OllamaCall* call) const;

    QNetworkAccessManager* m_network;
    QUrl m_serverUrl;
    OllamaTimeouts m_timeouts;
    std::optional<QSslConfiguration> m_sslConfiguration;
};

} // namespace deepext::ollama
