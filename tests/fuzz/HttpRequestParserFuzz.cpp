// libFuzzer target for the stand-in server's incremental HTTP/1.1 request parser. The input is fed twice: whole,
// and cut into pieces whose sizes (and the body slice cap) come from the first two bytes. How a socket happens to
// split the bytes must not change what is parsed, so both transcripts of events must be identical.
#include "FuzzEntry.h"
#include "fakeollama/HttpRequestParser.h"

#include <algorithm>
#include <string>

namespace {
namespace http_parser_fuzz {

using deepext::fake::HttpRequestParser;

// Feeds `input` in pieces of `piece` bytes and records every event; body slices are merged so the transcript
// does not depend on how they were cut.
std::string transcript(const char* input, std::size_t size, std::size_t piece, std::size_t maxBody)
{
    HttpRequestParser parser;
    std::string out;
    std::string body;
    const auto flushBody = [&] {
        if (!body.empty()) {
            out += "B" + std::to_string(body.size()) + ":" + body + "\n";
            body.clear();
        }
    };
    std::size_t steps = 0;
    for (std::size_t start = 0; start < size; start += piece) {
        const char* chunk = input + start;
        const std::size_t length = std::min(piece, size - start);
        std::size_t offset = 0;
        while (true) {
            FUZZ_CHECK(++steps < 4 * size + 64); // every step consumes input or reports an event
            const auto result = parser.parse(chunk + offset, length - offset, maxBody);
            FUZZ_CHECK(result.consumed <= length - offset);
            if (result.kind == HttpRequestParser::Kind::NeedMore) {
                FUZZ_CHECK(result.consumed == length - offset);
                break;
            }
            if (result.kind == HttpRequestParser::Kind::Error) {
                flushBody();
                out += "E" + std::to_string(parser.errorStatus()) + " " + parser.errorText().toStdString() + "\n";
                FUZZ_CHECK(parser.errorStatus() >= 400 && parser.errorStatus() < 600);
                return out;
            }
            if (result.kind == HttpRequestParser::Kind::Head) {
                flushBody();
                const auto& head = parser.head();
                FUZZ_CHECK(!head.method.isEmpty());
                out += "H" + head.method.toStdString() + " " + head.target.toStdString() + " " +
                       std::to_string(head.headers.size()) + " " + std::to_string(head.contentLength()) +
                       (head.chunked() ? " chunked" : "") + (head.keepAlive() ? " keep" : "") + "\n";
                FUZZ_CHECK(parser.inBody());
            } else if (result.kind == HttpRequestParser::Kind::Body) {
                FUZZ_CHECK(result.body.size() > 0);
                FUZZ_CHECK(static_cast<std::size_t>(result.body.size()) <= maxBody);
                FUZZ_CHECK(result.body.data() >= chunk + offset &&
                           result.body.data() + result.body.size() <= chunk + offset + result.consumed);
                body.append(result.body.data(), static_cast<std::size_t>(result.body.size()));
            } else if (result.kind == HttpRequestParser::Kind::MessageComplete) {
                flushBody();
                out += "M" + std::to_string(parser.bodyBytes()) + "\n";
                FUZZ_CHECK(!parser.inBody());
            }
            offset += result.consumed;
        }
    }
    flushBody();
    out += parser.inBody() ? "open-body\n" : "idle\n";
    return out;
}

} // namespace http_parser_fuzz
} // namespace

DEEPEXT_FUZZ_ENTRY(httpRequestParser)
{
    using namespace http_parser_fuzz;
    if (size < 2) {
        return 0;
    }
    const auto* input = reinterpret_cast<const char*>(data + 2);
    const std::size_t length = size - 2;
    const std::size_t piece = data[0] % 64 + 1;
    const std::size_t maxBody = data[1] < 128 ? SIZE_MAX : data[1] - 127;
    const std::string whole = transcript(input, length, std::max<std::size_t>(length, 1), SIZE_MAX);
    const std::string pieces = transcript(input, length, piece, maxBody);
    if (whole != pieces) {
        std::fprintf(stderr, "whole input:\n%s\nin pieces of %zu:\n%s\n", whole.c_str(), piece, pieces.c_str());
    }
    FUZZ_CHECK(whole == pieces);
    return 0;
}
