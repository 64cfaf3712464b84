#pragma once

#include "HttpResponse.h"

#include <QByteArray>

namespace deepext::fake {

// What the create-stream playback needs from the connection it answers on: whole responses, a chunked response
// written piece by piece, and a cut. After send() or endChunked() the connection reads the next request.
class ResponseChannel
{
public:
    virtual ~ResponseChannel() = default;

    virtual bool isClosing() const = 0;
    virtual void send(const HttpResponse& response) = 0;
    // 200 with Transfer-Encoding: chunked; the request's record gets its status.
    virtual void startChunked(const QByteArray& contentType) = 0;
    virtual void writeChunk(const QByteArray& data) = 0;
    // The terminating chunk: the response is complete.
    virtual void endChunked() = 0;
    // Closes the connection mid-response: no terminating chunk, the client sees a truncated body.
    virtual void cut() = 0;
};

} // namespace deepext::fake
