#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <nlohmann/json.hpp>

#include <optional>

namespace deepext::fake {

// What the client sent (and how it went), for tests to assert on.
struct RecordedRequest
{
    int connectionId = 0; // requests on one keep-alive connection share it
    QString method;
    QString path;   // without the query
    QString target; // as sent
    QList<QPair<QByteArray, QByteArray>> headers;
    bool chunked = false;
    qint64 contentLength = -1;          // -1: no Content-Length header
    qint64 bodySize = 0;                // bytes of body the server read (it stops early on some routes and faults)
    QByteArray body;                    // small non-upload bodies only (up to 1 MiB)
    std::optional<nlohmann::json> json; // the body parsed as JSON, when it is small, valid JSON
    int status = 0;                     // the response status, 0 until one was sent
    bool finished = false;              // the whole response was sent
    bool aborted = false;               // the connection closed before the response was complete

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0) {
                return value;
            }
        }
        return {};
    }
};

} // namespace deepext::fake
