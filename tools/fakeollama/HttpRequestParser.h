#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <cstddef>
#include <cstdint>

namespace deepext::fake {

// The request line and headers of one HTTP/1.x request.
struct HttpRequestHead
{
    QByteArray method;
    QByteArray target; // as sent: path plus optional query
    int minorVersion = 1;
    QList<QPair<QByteArray, QByteArray>> headers; // names as sent, values trimmed

    QByteArray path() const;
    // First header with this name (case-insensitive), or a null array.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    bool keepAlive() const;
    bool chunked() const;
    // -1 when the request carries no Content-Length.
    qint64 contentLength() const;
};

// An incremental HTTP/1.1 request parser with no I/O and no body buffering, so it can be fed from a socket or a
// fuzzer alike. The head is collected internally (bounded); body bytes are handed out as views into the caller's
// buffer, which is what lets a multi-gigabyte upload stream to disk.
class HttpRequestParser
{
public:
    enum class Kind
    {
        NeedMore,        // all input consumed, nothing else to report
        Head,            // head() is complete; the body (if any) follows
        Body,            // body holds the next slice of the decoded body
        MessageComplete, // the request ended; the parser is ready for the next one on the connection
        Error,           // errorStatus()/errorText(); the connection should be closed
    };

    struct Result
    {
        Kind kind = Kind::NeedMore;
        std::size_t consumed = 0; // bytes of the input this step used
        QByteArrayView body;      // Kind::Body only
    };

    static constexpr std::size_t kMaxHeadBytes = 1 << 20;

    // Parses from data and reports the first event; call again with the unconsumed rest. maxBody caps the size of
    // one body slice (the server uses it to stop exactly at a fault's byte count).
    Result parse(const char* data, std::size_t size, std::size_t maxBody = SIZE_MAX);

    const HttpRequestHead& head() const { return m_head; }
    int errorStatus() const { return m_errorStatus; }
    const QByteArray& errorText() const { return m_errorText; }
    // Body bytes decoded so far for the current request.
    qint64 bodyBytes() const { return m_bodyBytes; }
    // True between Head and MessageComplete.
    bool inBody() const;
    void reset();

private:
    enum class State
    {
        Head,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Done,
        Failed,
    };

    Result fail(int status, const char* text, std::size_t consumed);
    bool parseHead(); // from m_headBuffer; false on error (m_errorStatus set)
    // Reads one line (without CRLF/LF) into m_line; returns bytes used, or 0 when the line is incomplete.
    std::size_t takeLine(const char* data, std::size_t size, bool& complete);

    State m_state = State::Head;
    HttpRequestHead m_head;
    QByteArray m_headBuffer;
    QByteArray m_line;
    qint64 m_remaining = 0; // of the fixed body or the current chunk
    qint64 m_bodyBytes = 0;
    std::size_t m_trailerBytes = 0;
    int m_errorStatus = 0;
    QByteArray m_errorText;
};

} // namespace deepext::fake
