#pragma once

#include <QString>
#include <QUrl>

#include <string>

namespace deepext::ollama {

// OLLAMA_HOST read exactly as Ollama reads it (envconfig/config.go Host, ConnectableHost), so the app
// talks to the same server the `ollama` command would.
class OllamaHost
{
public:
    static constexpr int DefaultPort = 11434;

    // http://127.0.0.1:11434
    static QUrl defaultUrl();

    // envconfig.Host(): the address as the server would bind it. `warning` (optional) receives a note when a bad
    // port was replaced by the default, as Ollama logs one.
    static QUrl parse(const QString& value, QString* warning = nullptr);

    // envconfig.ConnectableHost(): parse() with a bind-all address (0.0.0.0, ::) replaced by loopback, which is
    // what a client must connect to.
    static QUrl connectable(const QString& value, QString* warning = nullptr);

    // connectable(OLLAMA_HOST); the default when the variable is unset or empty.
    static QUrl fromEnvironment(QString* warning = nullptr);

    // The form used in messages and records: scheme://host:port[/path] without a trailing slash.
    static QString display(const QUrl& url);
    // display() of a URL kept as text (a deployment record's), for logs and messages.
    static QString display(const std::string& url);
};

} // namespace deepext::ollama
