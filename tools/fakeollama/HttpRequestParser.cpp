#include "HttpRequestParser.h"

#include <algorithm>
#include <cstring>

namespace deepext::fake {

namespace {

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

QByteArray HttpRequestHead::path() const
{
    const qsizetype query = target.indexOf('?');
    return query < 0 ? target : target.left(query);
}

QByteArray HttpRequestHead::header(QByteArrayView name) const
{
    for (const auto& [key, value] : headers) {
        if (name.compare(key, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

bool HttpRequestHead::hasHeader(QByteArrayView name) const
{
    return std::any_of(headers.begin(), headers.end(),
                       [&](const auto& h) { return name.compare(h.first, Qt::CaseInsensitive) == 0; });
}

bool HttpRequestHead::keepAlive() const
{
    const QByteArray connection = header("Connection").toLower();
    if (minorVersion == 0) {
        return connection.contains("keep-alive");
    }
    return !connection.contains("close");
}

bool HttpRequestHead::chunked() const
{
    return header("Transfer-Encoding").trimmed().toLower().endsWith("chunked");
}

qint64 HttpRequestHead::contentLength() const
{
    if (!hasHeader("Content-Length")) {
        return -1;
    }
    bool ok = false;
    const qint64 length = header("Content-Length").toLongLong(&ok);
    return ok ? length : -1;
}

bool HttpRequestParser::inBody() const
{
    return m_state != State::Head && m_state != State::Done && m_state != State::Failed;
}

void HttpRequestParser::reset()
{
    m_state = State::Head;
    m_head = {};
    m_headBuffer.clear();
    m_line.clear();
    m_remaining = 0;
    m_bodyBytes = 0;
    m_trailerBytes = 0;
    m_errorStatus = 0;
    m_errorText.clear();
}

HttpRequestParser::Result HttpRequestParser::fail(int status, const char* text, std::size_t consumed)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorText = text;
    return {Kind::Error, consumed, {}};
}

std::size_t HttpRequestParser::takeLine(const char* data, std::size_t size, bool& complete)
{
    const void* newline = std::memchr(data, '\n', size);
    if (!newline) {
        m_line.append(data, static_cast<qsizetype>(size));
        complete = false;
        return size;
    }
    const std::size_t length = static_cast<std::size_t>(static_cast<const char*>(newline) - data);
    m_line.append(data, static_cast<qsizetype>(length));
    if (m_line.endsWith('\r')) {
        m_line.chop(1);
    }
    complete = true;
    return length + 1;
}

HttpRequestParser::Result HttpRequestParser::parse(const char* data, std::size_t size, std::size_t maxBody)
{
    if (m_state == State::Done) {
        reset();
    }
    std::size_t used = 0;
    while (true) {
        switch (m_state) {
        case State::Failed:
            return {Kind::Error, used, {}};
        case State::Done:
            return {Kind::MessageComplete, used, {}};
        case State::Head: {
            if (used == size) {
                return {Kind::NeedMore, used, {}};
            }
            bool complete = false;
            used += takeLine(data + used, size - used, complete);
            if (static_cast<std::size_t>(m_headBuffer.size() + m_line.size()) > kMaxHeadBytes) {
                return fail(431, "Request Header Fields Too Large", used);
            }
            if (!complete) {
                continue;
            }
            if (m_line.isEmpty()) {
                if (m_headBuffer.isEmpty()) {
                    continue; // stray CRLF between requests is tolerated (RFC 9112 §2.2)
                }
                if (!parseHead()) {
                    return {Kind::Error, used, {}};
                }
                return {Kind::Head, used, {}};
            }
            m_headBuffer.append(m_line).append('\n');
            m_line.clear();
            continue;
        }
        case State::FixedBody: {
            if (m_remaining == 0) {
                m_state = State::Done;
                return {Kind::MessageComplete, used, {}};
            }
            if (used == size || maxBody == 0) {
                return {Kind::NeedMore, used, {}};
            }
            const std::size_t take = std::min({static_cast<std::size_t>(m_remaining), size - used, maxBody});
            m_remaining -= static_cast<qint64>(take);
            m_bodyBytes += static_cast<qint64>(take);
            return {Kind::Body, used + take, QByteArrayView(data + used, static_cast<qsizetype>(take))};
        }
        case State::ChunkSize:
        case State::ChunkDataEnd:
        case State::Trailers: {
            if (used == size) {
                return {Kind::NeedMore, used, {}};
            }
            bool complete = false;
            used += takeLine(data + used, size - used, complete);
            if (m_line.size() > 4096 || m_trailerBytes + static_cast<std::size_t>(m_line.size()) > kMaxHeadBytes) {
                return fail(400, "Bad Request: chunk framing too long", used);
            }
            if (!complete) {
                continue;
            }
            const QByteArray line = m_line;
            m_line.clear();
            if (m_state == State::ChunkDataEnd) {
                if (!line.isEmpty()) {
                    return fail(400, "Bad Request: malformed chunked encoding", used);
                }
                m_state = State::ChunkSize;
                continue;
            }
            if (m_state == State::Trailers) {
                if (line.isEmpty()) {
                    m_state = State::Done;
                    return {Kind::MessageComplete, used, {}};
                }
                m_trailerBytes += static_cast<std::size_t>(line.size());
                continue;
            }
            // Chunk size: hex digits, then optional ";extension".
            qsizetype end = line.indexOf(';');
            const QByteArray digits = (end < 0 ? line : line.left(end)).trimmed();
            if (digits.isEmpty() || digits.size() > 15) {
                return fail(400, "Bad Request: malformed chunked encoding", used);
            }
            qint64 chunk = 0;
            for (char c : digits) {
                const int v = hexValue(c);
                if (v < 0) {
                    return fail(400, "Bad Request: malformed chunked encoding", used);
                }
                chunk = chunk * 16 + v;
            }
            if (chunk == 0) {
                m_state = State::Trailers;
            } else {
                m_remaining = chunk;
                m_state = State::ChunkData;
            }
            continue;
        }
        case State::ChunkData: {
            if (used == size || maxBody == 0) {
                return {Kind::NeedMore, used, {}};
            }
            const std::size_t take = std::min({static_cast<std::size_t>(m_remaining), size - used, maxBody});
            m_remaining -= static_cast<qint64>(take);
            m_bodyBytes += static_cast<qint64>(take);
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
            }
            return {Kind::Body, used + take, QByteArrayView(data + used, static_cast<qsizetype>(take))};
        }
        }
    }
}

bool HttpRequestParser::parseHead()
{
    const QList<QByteArray> lines = m_headBuffer.split('\n');
    m_headBuffer.clear();
    const auto bad = [this](int status, const char* text) {
        m_state = State::Failed;
        m_errorStatus = status;
        m_errorText = text;
        return false;
    };
    const QList<QByteArray> requestLine = lines.first().split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine[0]) || requestLine[1].isEmpty()) {
        return bad(400, "Bad Request: malformed request line");
    }
    const QByteArray& version = requestLine[2];
    if (version == "HTTP/1.1") {
        m_head.minorVersion = 1;
    } else if (version == "HTTP/1.0") {
        m_head.minorVersion = 0;
    } else if (version.startsWith("HTTP/")) {
        return bad(505, "HTTP Version Not Supported");
    } else {
        return bad(400, "Bad Request: malformed HTTP version");
    }
    m_head.method = requestLine[0];
    m_head.target = requestLine[1];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines[i];
        if (line.isEmpty()) {
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(QByteArrayView(line).first(colon))) {
            // Also rejects obsolete line folding (a line starting with whitespace), as Go does.
            return bad(400, "Bad Request: malformed header line");
        }
        m_head.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    if (m_head.minorVersion == 1 && !m_head.hasHeader("Host")) {
        return bad(400, "Bad Request: missing required Host header");
    }
    const QByteArray transferEncoding = m_head.header("Transfer-Encoding").trimmed().toLower();
    if (!transferEncoding.isEmpty()) {
        if (transferEncoding != "chunked") {
            return bad(501, "Not Implemented: unsupported transfer encoding");
        }
        m_state = State::ChunkSize;
        return true;
    }
    QByteArray length;
    for (const auto& [key, value] : m_head.headers) {
        if (QByteArrayView("Content-Length").compare(key, Qt::CaseInsensitive) == 0) {
            if (!length.isNull() && value != length) {
                return bad(400, "Bad Request: conflicting Content-Length");
            }
            length = value;
        }
    }
    m_remaining = 0;
    if (!length.isNull()) {
        bool ok = false;
        m_remaining = length.toLongLong(&ok);
        if (!ok || m_remaining < 0 || length.startsWith('+')) {
            return bad(400, "Bad Request: bad Content-Length");
        }
    }
    m_state = State::FixedBody;
    return true;
}

} // namespace deepext::fake
