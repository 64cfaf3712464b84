#pragma once

#include <QByteArray>

namespace deepext::fake {

// A complete response as a handler produces it; the connection adds the status line and the framing headers.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType; // empty: no Content-Type header
    QByteArray body;
};

} // namespace deepext::fake
