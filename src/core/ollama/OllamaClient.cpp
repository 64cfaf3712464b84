#include "deepext/ollama/OllamaClient.h"

#include "deepext/base/Error.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaVersion.h"

#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslSocket>

namespace deepext::ollama {
namespace {

const QByteArray JsonType = QByteArrayLiteral("application/json");
const QByteArray NdjsonType = QByteArrayLiteral("application/x-ndjson");

QByteArray toBody(const nlohmann::json& json)
{
    return QByteArray::fromStdString(json.dump());
}

} // namespace

OllamaClient::OllamaClient(QNetworkAccessManager* network, const QUrl& serverUrl, QObject* parent)
    : QObject(parent)
    , m_network(network)
    , m_serverUrl(serverUrl)
{
}

OllamaClient::~OllamaClient() = default;

void OllamaClient::setCaFile(const QString& path)
{
    if (path.isEmpty()) {
        m_sslConfiguration.reset();
        return;
    }
    if (!QFileInfo(path).isReadable()) {
        throw Error("Cannot read the CA file " + path.toStdString() + ".");
    }
    QList<QSslCertificate> certificates = QSslCertificate::fromPath(path, QSsl::Pem);
    if (certificates.isEmpty()) {
        certificates = QSslCertificate::fromPath(path, QSsl::Der);
    }
    if (certificates.isEmpty()) {
        throw Error("The CA file " + path.toStdString() + " holds no certificate (PEM or DER expected).");
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.addCaCertificates(certificates);
    m_sslConfiguration = configuration;
}

QString OllamaClient::serverDisplay() const
{
    return OllamaHost::display(m_serverUrl);
}

std::optional<QString> OllamaClient::blobDigest(const std::string& sha256)
{
    QString hex = QString::fromStdString(sha256).trimmed().toLower();
    if (hex.startsWith(QStringLiteral("sha256:")) || hex.startsWith(QStringLiteral("sha256-"))) {
        hex = hex.mid(7);
    }
    if (hex.size() != 64) {
        return std::nullopt;
    }
    for (const QChar c : hex) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'))) {
            return std::nullopt;
        }
    }
    // The server compares the upload's digest with the URL's byte for byte: always "sha256:" + lowercase hex.
    return QStringLiteral("sha256:") + hex;
}

QUrl OllamaClient::endpoint(const QString& path) const
{
    QUrl url = m_serverUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/'))) {
        base.chop(1);
    }
    url.setPath(base + path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QNetworkRequest OllamaClient::makeRequest(const QString& path, const QByteArray& accept) const
{
    QNetworkRequest request(endpoint(path));
    request.setRawHeader("Accept", accept);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("deepext/" DEEPEXT_VERSION));
    // HTTP/1.1 like the uploads of the official client; Qt's HTTP/2 adds nothing for one big stream per request.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    // Timeouts are ours (per phase); Qt's own transfer timeout would also cut a silent create stream.
    request.setTransferTimeout(0);
    if (m_sslConfiguration) {
        request.setSslConfiguration(*m_sslConfiguration);
    }
    return request;
}

OllamaCall* OllamaClient::newCall(OllamaCall::Kind kind, const QString& method, const QString& path)
{
    return new OllamaCall(kind, method, path, serverDisplay(), {m_timeouts.request, m_timeouts.uploadStall}, this);
}

std::optional<OllamaClient::UrlProblem> OllamaClient::unusableUrl() const
{
    const QString scheme = m_serverUrl.scheme().toLower();
    if (!m_serverUrl.isValid() || m_serverUrl.host().isEmpty() ||
        (scheme != QStringLiteral("http") && scheme != QStringLiteral("https"))) {
        return UrlProblem{OllamaResult::ErrorKind::Network,
                          QStringLiteral("\"%1\" is not a usable Ollama server URL; expected http://host:port or "
                                         "https://host:port.")
                              .arg(m_serverUrl.toString())};
    }
    if (scheme == QStringLiteral("https") && !QSslSocket::supportsSsl()) {
        return UrlProblem{OllamaResult::ErrorKind::Tls,
                          QStringLiteral("Cannot connect to %1: TLS is not available on this system (no SSL backend "
                                         "for Qt).")
                              .arg(serverDisplay())};
    }
    return std::nullopt;
}

bool OllamaClient::rejectUnusableUrl(OllamaCall* call) const
{
    const auto problem = unusableUrl();
    if (problem) {
        call->failEarly(problem->kind, problem->message);
    }
    return problem.has_value();
}

OllamaCall* OllamaClient::sendJson(OllamaCall::Kind kind, const QByteArray& method, const QString& path,
                                   const std::optional<nlohmann::json>& body)
{
    OllamaCall* call = newCall(kind, QString::fromLatin1(method), path);
    if (rejectUnusableUrl(call)) {
        return call;
    }
    QNetworkRequest request = makeRequest(path, kind == OllamaCall::Kind::Create ? NdjsonType : JsonType);
    QNetworkReply* reply = nullptr;
    if (body) {
        request.setHeader(QNetworkRequest::ContentTypeHeader, JsonType);
        const QByteArray data = toBody(*body);
        if (method == "POST") {
            reply = m_network->post(request, data);
        } else {
            reply = m_network->sendCustomRequest(request, method, data);
        }
    } else if (method == "GET") {
        reply = m_network->get(request);
    } else if (method == "HEAD") {
        reply = m_network->head(request);
    } else {
        reply = m_network->sendCustomRequest(request, method);
    }
    call->start(reply);
    return call;
}

OllamaCall* OllamaClient::version()
{
    OllamaCall* call = sendJson(OllamaCall::Kind::Json, "GET", QStringLiteral("/api/version"), std::nullopt);
    const QString server = serverDisplay();
    call->m_postProcess = [server](OllamaResult& result) {
        if (result.ok()) {
            if (!result.json.is_object() || !result.json.contains("version") || !result.json["version"].is_string()) {
                result.status = OllamaResult::Status::Failed;
                result.errorKind = OllamaResult::ErrorKind::NotOllama;
                result.message = QStringLiteral("The server at %1 does not look like Ollama: GET /api/version did not "
                                                "answer with a version. Check the server URL.")
                                     .arg(server);
            } else {
                result.message = QStringLiteral("Ollama %1 is running at %2")
                                     .arg(QString::fromStdString(result.json["version"].get<std::string>()), server);
            }
        } else if (result.errorKind == OllamaResult::ErrorKind::Http && result.httpStatus == 404) {
            result.errorKind = OllamaResult::ErrorKind::NotOllama;
            result.message = QStringLiteral("The server at %1 answered 404 to GET /api/version: it is not Ollama, or "
                                            "an Ollama too old to deploy to (upgrade it to 0.5.5 or later).")
                                 .arg(server);
        }
    };
    return call;
}

OllamaCall* OllamaClient::testConnection()
{
    OllamaCall* call = version();
    const QString server = serverDisplay();
    call->m_postProcess = [previous = call->m_postProcess, server](OllamaResult& result) {
        previous(result);
        if (!result.ok()) {
            return;
        }
        const std::string text = result.json["version"].get<std::string>();
        const OllamaVersion version = OllamaVersion::parse(text);
        if (version.isValid() && !version.supportsJsonCreate()) {
            result.status = OllamaResult::Status::Failed;
            result.errorKind = OllamaResult::ErrorKind::Http;
            result.message = QStringLiteral("Ollama at %1 is version %2, too old to deploy to: upgrade Ollama to "
                                            "0.5.5 or later.")
                                 .arg(server, QString::fromStdString(text));
        }
    };
    return call;
}

OllamaCall* OllamaClient::headBlob(const QString& digest)
{
    return sendJson(OllamaCall::Kind::Head, "HEAD", QStringLiteral("/api/blobs/") + digest, std::nullopt);
}

OllamaCall* OllamaClient::postBlob(const QString& digest, const QString& filePath)
{
    const QString path = QStringLiteral("/api/blobs/") + digest;
    OllamaCall* call = newCall(OllamaCall::Kind::Upload, QStringLiteral("POST"), path);
    if (rejectUnusableUrl(call)) {
        return call;
    }
    auto* file = new QFile(filePath);
    if (!file->open(QIODevice::ReadOnly)) {
        call->failEarly(OllamaResult::ErrorKind::LocalFile,
                        QStringLiteral("Cannot read %1 to upload it: %2").arg(filePath, file->errorString()));
        delete file;
        return call;
    }
    QNetworkRequest request = makeRequest(path, JsonType);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/octet-stream"));
    request.setHeader(QNetworkRequest::ContentLengthHeader, file->size());
    // Stream from the file: never hold a multi-gigabyte shard in memory.
    request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    QNetworkReply* reply = m_network->post(request, file);
    file->setParent(reply); // the device lives exactly as long as the reply reading it
    call->start(reply);
    return call;
}

OllamaCall* OllamaClient::create(nlohmann::json request)
{
    request["stream"] = true;
    return sendJson(OllamaCall::Kind::Create, "POST", QStringLiteral("/api/create"), request);
}

OllamaCall* OllamaClient::tags()
{
    OllamaCall* call = sendJson(OllamaCall::Kind::Json, "GET", QStringLiteral("/api/tags"), std::nullopt);
    const QString server = serverDisplay();
    call->m_postProcess = [server](OllamaResult& result) {
        if (result.ok() && (!result.json.is_object() || !result.json.contains("models") ||
                            !(result.json["models"].is_array() || result.json["models"].is_null()))) {
            result.status = OllamaResult::Status::Failed;
            result.errorKind = OllamaResult::ErrorKind::NotOllama;
            result.message = QStringLiteral("The server at %1 does not look like Ollama: GET /api/tags did not answer "
                                            "with a model list.")
                                 .arg(server);
        }
    };
    return call;
}

OllamaCall* OllamaClient::deleteModel(const QString& name)
{
    const std::string model = name.toStdString();
    OllamaCall* call =
        sendJson(OllamaCall::Kind::Json, "DELETE", QStringLiteral("/api/delete"), nlohmann::json{{"model", model}});
    call->m_postProcess = [](OllamaResult& result) {
        if (result.ok()) {
            result.json = {{"deleted", true}};
        } else if (result.errorKind == OllamaResult::ErrorKind::Http && result.httpStatus == 404) {
            // Already gone is what the caller wanted.
            result.status = OllamaResult::Status::Ok;
            result.errorKind = OllamaResult::ErrorKind::None;
            result.json = {{"deleted", false}};
        }
    };
    return call;
}

OllamaCall* OllamaClient::show(const QString& name)
{
    OllamaCall* call = sendJson(OllamaCall::Kind::Json, "POST", QStringLiteral("/api/show"),
                                nlohmann::json{{"model", name.toStdString()}});
    const QString server = serverDisplay();
    call->m_postProcess = [server](OllamaResult& result) {
        if (result.ok() && !result.json.is_object()) {
            result.status = OllamaResult::Status::Failed;
            result.errorKind = OllamaResult::ErrorKind::NotOllama;
            result.message = QStringLiteral("The server at %1 does not look like Ollama: POST /api/show did not "
                                            "answer with JSON.")
                                 .arg(server);
        }
    };
    return call;
}

ChatCall* OllamaClient::chat(const ChatRequest& request, ChatEndpoint endpoint)
{
    const QString path = endpoint == ChatEndpoint::Chat ? QStringLiteral("/api/chat") : QStringLiteral("/api/generate");
    auto* call = new ChatCall(endpoint, request.model, serverDisplay(),
                              {m_timeouts.request, m_timeouts.firstToken, m_timeouts.reply}, this);
    if (const auto problem = unusableUrl()) {
        call->failEarly(problem->kind, problem->message);
        return call;
    }
    QNetworkRequest networkRequest = makeRequest(path, NdjsonType);
    networkRequest.setHeader(QNetworkRequest::ContentTypeHeader, JsonType);
    call->start(m_network->post(networkRequest, toBody(request.body(endpoint))));
    return call;
}

} // namespace deepext::ollama
