#pragma once

#include "deepext/ollama/ChatTypes.h"

#include <QByteArray>
#include <QString>

namespace deepext::ollama {

// One NDJSON line of a streamed /api/chat or /api/generate reply, read defensively: the server's bytes are
// untrusted (wrong types, huge numbers, missing fields never throw). Fuzzed by tests/fuzz/ChatLineFuzz.cpp.
class ChatLineParser
{
public:
    struct Line
    {
        enum class Kind
        {
            Blank,   // an empty line: ignored
            Piece,   // a piece of the reply (possibly empty), and on the last line done + reason + metrics
            Error,   // {"error": ...}: text is the server's words, verbatim
            NotJson, // not a JSON object (a line cut short, or not Ollama)
        };
        Kind kind = Kind::Blank;
        QString text; // Piece: the reply text; Error: the error message
        bool done = false;
        QString doneReason;
        ChatMetrics metrics;
    };

    static Line parse(const QByteArray& line, ChatEndpoint endpoint);
    // Adds a Piece line to the reply (text appended; on done, the reason and metrics).
    static void apply(const Line& line, ChatReply& reply);
};

} // namespace deepext::ollama
