#pragma once

#include "deepext/ollama/OllamaResult.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QSslError>
#include <QString>

class QNetworkReply;

namespace deepext::ollama {

// How a failed reply is put into words, shared by OllamaCall and ChatCall so both say the same thing, and how both
// let go of a reply when they finish.
class ReplyErrors
{
public:
    // The server's own words from an error body: the JSON "error" field, else the text itself (shortened).
    static QString serverText(const QByteArray& body);
    // Names a transport failure of `reply` (refused, host not found, TLS, dropped, ...) in *message, for the server
    // `server` and the request `description` ("POST /api/chat"). `started`: the request went out (a later failure
    // is a dropped connection).
    static OllamaResult::ErrorKind classifyNetworkError(const QNetworkReply* reply, const QList<QSslError>& sslErrors,
                                                        const QString& server, const QString& description, bool started,
                                                        QString& message);
    // Stops `receiver` hearing from the reply, aborts it if it still runs, frees it later and clears `reply`.
    static void abandon(QPointer<QNetworkReply>& reply, QObject* receiver);
};

} // namespace deepext::ollama
