// libFuzzer target for the NDJSON lines of a streamed /api/chat or /api/generate reply (ChatLineParser): every line
// of the input is parsed and applied to one reply, as ChatCall does. Input layout:
//   byte 0   bit 0: generate (else chat)
//   rest     the reply body, split at '\n'
#include "FuzzEntry.h"
#include "deepext/ollama/ChatLineParser.h"

#include <QByteArray>
#include <QList>

#include <cmath>

DEEPEXT_FUZZ_ENTRY(chatLine)
{
    using deepext::ollama::ChatEndpoint;
    using deepext::ollama::ChatLineParser;
    using deepext::ollama::ChatReply;
    if (size < 1) {
        return 0;
    }
    const ChatEndpoint endpoint = (data[0] & 1) != 0 ? ChatEndpoint::Generate : ChatEndpoint::Chat;
    const QByteArray body(reinterpret_cast<const char*>(data + 1), static_cast<qsizetype>(size - 1));
    ChatReply reply;
    qsizetype expectedLength = 0;
    for (const QByteArray& raw : body.split('\n')) {
        const ChatLineParser::Line line = ChatLineParser::parse(raw, endpoint);
        if (line.kind != ChatLineParser::Line::Kind::Piece) {
            // Only pieces carry reply text or the final line's fields.
            FUZZ_CHECK(!line.done);
            FUZZ_CHECK(line.kind == ChatLineParser::Line::Kind::Error || line.text.isEmpty());
            continue;
        }
        if (!line.done) {
            FUZZ_CHECK(line.doneReason.isEmpty());
        }
        // A server's numbers are untrusted: never negative, whatever was sent.
        FUZZ_CHECK(line.metrics.evalCount >= 0 && line.metrics.evalDuration >= 0);
        FUZZ_CHECK(line.metrics.promptEvalCount >= 0 && line.metrics.loadDuration >= 0);
        FUZZ_CHECK(line.metrics.totalDuration >= 0 && line.metrics.promptEvalDuration >= 0);
        ChatLineParser::apply(line, reply);
        expectedLength += line.text.size();
        FUZZ_CHECK(reply.text.size() == expectedLength);
        const double rate = reply.metrics.tokensPerSecond();
        FUZZ_CHECK(std::isfinite(rate) && rate >= 0.0);
    }
    return 0;
}
