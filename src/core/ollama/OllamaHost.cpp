#include "deepext/ollama/OllamaHost.h"

#include <QHostAddress>
#include <QProcessEnvironment>
#include <QStringList>

namespace deepext::ollama {
namespace {

struct SplitResult
{
    bool ok = false;
    QString host;
    QString port;
};

// Go's net.SplitHostPort, whose failure is what sends Ollama to its defaults.
SplitResult splitHostPort(const QString& hostport)
{
    SplitResult result;
    const qsizetype i = hostport.lastIndexOf(QLatin1Char(':'));
    if (i < 0) {
        return result;
    }
    qsizetype j = 0;
    qsizetype k = 0;
    if (hostport.startsWith(QLatin1Char('['))) {
        const qsizetype end = hostport.indexOf(QLatin1Char(']'));
        if (end < 0 || end + 1 != i) {
            return result;
        }
        result.host = hostport.mid(1, end - 1);
        j = 1;
        k = end + 1;
    } else {
        result.host = hostport.left(i);
        if (result.host.contains(QLatin1Char(':'))) {
            return result;
        }
    }
    if (hostport.indexOf(QLatin1Char('['), j) >= 0 || hostport.indexOf(QLatin1Char(']'), k) >= 0) {
        return result;
    }
    result.port = hostport.mid(i + 1);
    result.ok = true;
    return result;
}

// Go's net.ParseIP followed by String(): the canonical text of an IP literal, or empty when it is none.
QString canonicalIp(const QString& text)
{
    if (text.isEmpty()) {
        return {};
    }
    if (!text.contains(QLatin1Char(':'))) {
        // Go accepts only dotted quads with decimal octets without leading zeros.
        const QStringList parts = text.split(QLatin1Char('.'));
        if (parts.size() != 4) {
            return {};
        }
        for (const QString& part : parts) {
            bool ok = false;
            const int value = part.toInt(&ok);
            if (!ok || part.isEmpty() || part.size() > 3 || value > 255 || (part.size() > 1 && part.startsWith(u'0')) ||
                part.startsWith(u'+') || part.startsWith(u'-')) {
                return {};
            }
        }
        return text;
    }
    if (text.contains(QLatin1Char('%'))) {
        return {}; // Go's ParseIP rejects zones
    }
    QHostAddress address;
    if (!address.setAddress(text) || address.protocol() != QAbstractSocket::IPv6Protocol) {
        return {};
    }
    return address.toString();
}

bool isUnspecified(const QString& host)
{
    const QString ip = canonicalIp(host);
    if (ip.isEmpty()) {
        return false;
    }
    QHostAddress address(ip);
    return address.isEqual(QHostAddress::AnyIPv4, QHostAddress::ConvertV4MappedToIPv4) ||
           address == QHostAddress(QHostAddress::AnyIPv6);
}

// Go's To4() != nil: a dotted quad or an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
bool isIpv4Form(const QString& host)
{
    if (!host.contains(QLatin1Char(':'))) {
        return true;
    }
    const Q_IPV6ADDR bytes = QHostAddress(canonicalIp(host)).toIPv6Address();
    for (int i = 0; i < 10; ++i) {
        if (bytes[i] != 0) {
            return false;
        }
    }
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

QUrl makeUrl(const QString& scheme, const QString& host, const QString& port, const QString& path)
{
    QUrl url;
    url.setScheme(scheme);
    url.setHost(host);
    url.setPort(port.toInt());
    if (!path.isEmpty()) {
        url.setPath(QLatin1Char('/') + path);
    }
    return url;
}

struct Parsed
{
    QString scheme;
    QString host;
    QString port;
    QString path;
};

Parsed parseParts(const QString& raw, QString* warning)
{
    // envconfig.Var: trim spaces, then surrounding quotes of either kind.
    QString s = raw.trimmed();
    while (!s.isEmpty() && (s.front() == u'"' || s.front() == u'\'')) {
        s.remove(0, 1);
    }
    while (!s.isEmpty() && (s.back() == u'"' || s.back() == u'\'')) {
        s.chop(1);
    }
    s = s.trimmed();

    Parsed parsed;
    QString defaultPort = QString::number(OllamaHost::DefaultPort);
    QString hostport;
    const qsizetype schemeEnd = s.indexOf(QStringLiteral("://"));
    if (schemeEnd < 0) {
        parsed.scheme = QStringLiteral("http");
        hostport = s;
        if (s == QStringLiteral("ollama.com")) {
            parsed.scheme = QStringLiteral("https");
            hostport = QStringLiteral("ollama.com:443");
        }
    } else {
        parsed.scheme = s.left(schemeEnd);
        hostport = s.mid(schemeEnd + 3);
        if (parsed.scheme == QStringLiteral("http")) {
            defaultPort = QStringLiteral("80");
        } else if (parsed.scheme == QStringLiteral("https")) {
            defaultPort = QStringLiteral("443");
        }
    }

    const qsizetype slash = hostport.indexOf(QLatin1Char('/'));
    if (slash >= 0) {
        parsed.path = hostport.mid(slash + 1);
        hostport = hostport.left(slash);
    }

    const SplitResult split = splitHostPort(hostport);
    if (split.ok) {
        parsed.host = split.host;
        parsed.port = split.port;
    } else {
        parsed.host = QStringLiteral("127.0.0.1");
        parsed.port = defaultPort;
        QString unbracketed = hostport;
        while (unbracketed.startsWith(u'[')) {
            unbracketed.remove(0, 1);
        }
        while (unbracketed.endsWith(u']')) {
            unbracketed.chop(1);
        }
        const QString ip = canonicalIp(unbracketed);
        if (!ip.isEmpty()) {
            parsed.host = ip;
        } else if (!hostport.isEmpty()) {
            parsed.host = hostport;
        }
    }

    bool ok = false;
    const qlonglong port = parsed.port.toLongLong(&ok);
    if (!ok || port < 0 || port > 65535) {
        if (warning) {
            *warning = QStringLiteral("OLLAMA_HOST has an invalid port \"%1\"; using the default %2")
                           .arg(parsed.port, defaultPort);
        }
        parsed.port = defaultPort;
    }
    return parsed;
}

} // namespace

QUrl OllamaHost::defaultUrl()
{
    return QUrl(QStringLiteral("http://127.0.0.1:11434"));
}

QUrl OllamaHost::parse(const QString& value, QString* warning)
{
    const Parsed parsed = parseParts(value, warning);
    return makeUrl(parsed.scheme, parsed.host, parsed.port, parsed.path);
}

QUrl OllamaHost::connectable(const QString& value, QString* warning)
{
    Parsed parsed = parseParts(value, warning);
    if (parsed.host.isEmpty()) {
        // ":8080": Go dials the local system for an empty host.
        parsed.host = QStringLiteral("127.0.0.1");
    } else if (isUnspecified(parsed.host)) {
        parsed.host = isIpv4Form(parsed.host) ? QStringLiteral("127.0.0.1") : QStringLiteral("::1");
    }
    return makeUrl(parsed.scheme, parsed.host, parsed.port, parsed.path);
}

QUrl OllamaHost::fromEnvironment(QString* warning)
{
    const QString value = QProcessEnvironment::systemEnvironment().value(QStringLiteral("OLLAMA_HOST"));
    return connectable(value, warning);
}

QString OllamaHost::display(const QUrl& url)
{
    return url.toString(QUrl::StripTrailingSlash | QUrl::RemovePassword); // logs and messages never carry a password
}

QString OllamaHost::display(const std::string& url)
{
    return display(QUrl(QString::fromStdString(url)));
}

} // namespace deepext::ollama
