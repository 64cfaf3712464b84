#pragma once

#include <QMetaType>
#include <QString>

#include <nlohmann/json.hpp>

namespace deepext::ollama {

// How one call to an Ollama server ended.
struct OllamaResult
{
    enum class Status
    {
        Ok,
        Failed,
        Cancelled,
    };

    // Why a call failed, for callers that react differently (retry a dropped upload, explain an old server).
    enum class ErrorKind
    {
        None,
        ConnectionRefused, // nothing listens at the URL
        HostNotFound,      // the host name does not resolve
        Timeout,           // no answer, or an upload stalled, for longer than allowed
        ConnectionDropped, // the connection closed while a request or response was under way
        NotOllama,         // something answered, but not as Ollama does (HTML, not JSON, ...)
        HostCheck,         // 403 with an empty body: Ollama's Host-header check
        Tls,               // certificate or handshake failure
        Http,              // Ollama answered with an error status; serverMessage has its text
        Stream,            // an /api/create NDJSON line carried "error"; serverMessage has its text
        Truncated,         // the create stream ended without "success"
        LocalFile,         // a file to upload could not be read
        Network,           // any other transport failure
        Cancelled,
    };

    Status status = Status::Failed;
    ErrorKind errorKind = ErrorKind::None;
    int httpStatus = 0;    // 0 when no HTTP answer arrived
    QString message;       // for the user: what failed, at which server URL, what to do
    QString serverMessage; // the server's own error text, verbatim (JSON "error" or the raw body)
    nlohmann::json json;   // the answer: /api/version, /api/tags and /api/show bodies; HEAD blob {"exists":bool};
                           // DELETE {"deleted":bool}; create: the last NDJSON object
    qint64 bytesSent = 0;  // request body bytes sent (uploads)

    bool ok() const { return status == Status::Ok; }
    bool cancelled() const { return status == Status::Cancelled; }
};

} // namespace deepext::ollama

Q_DECLARE_METATYPE(deepext::ollama::OllamaResult)
