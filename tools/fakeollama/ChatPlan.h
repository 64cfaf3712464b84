#pragma once

#include "HttpResponse.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace deepext::fake {

// What the stand-in answers to one /api/chat or /api/generate: an immediate answer (an error, or the "load" reply
// to an empty request), or a reply to stream piece by piece.
struct ChatPlan
{
    std::optional<HttpResponse> immediate;
    bool generate = false; // /api/generate: "response" pieces instead of "message"
    bool stream = true;
    QString model;        // as the request named it (the server echoes it)
    QStringList pieces;   // the reply's pieces, one per line
    QString doneReason;   // "stop" or "length"
    qint64 evalCount = 0; // tokens generated (a piece cut at a stop string counts)
    qint64 promptEvalCount = 0;
    int loadDelayMs = 0; // the model was not loaded: this long before the first line
    int tokenDelayMs = 0;
    int errorAfterPieces = -1; // the run fails after this many pieces with errorMessage
    QString errorMessage;
};

} // namespace deepext::fake
