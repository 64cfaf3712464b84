#include "GoEncoding.h"

namespace deepext::fake {

const QByteArray GoEncoding::JsonType = "application/json; charset=utf-8";
const QByteArray GoEncoding::TextType = "text/plain; charset=utf-8";

namespace {

// json.Marshal's HTML-safe escaping. The escaped characters can only occur inside strings, so a plain replace is
// exact.
QByteArray goEscaped(QByteArray out)
{
    out.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    out.replace("\xe2\x80\xa8", "\\u2028").replace("\xe2\x80\xa9", "\\u2029");
    return out;
}

} // namespace

QByteArray GoEncoding::json(const nlohmann::json& value)
{
    return goEscaped(QByteArray::fromStdString(value.dump()));
}

QByteArray GoEncoding::orderedJson(const nlohmann::ordered_json& value)
{
    return goEscaped(QByteArray::fromStdString(value.dump()));
}

QByteArray GoEncoding::progress(const nlohmann::json& line)
{
    if (!line.contains("status") || line.contains("error")) {
        return json(line);
    }
    QByteArray out = "{\"status\":" + json(line["status"]);
    for (const char* key : {"digest", "total", "completed"}) {
        if (line.contains(key)) {
            out += ",\"" + QByteArray(key) + "\":" + json(line[key]);
        }
    }
    return out + '}';
}

QByteArray GoEncoding::error(const QString& message)
{
    return json(nlohmann::json{{"error", message.toStdString()}});
}

QString GoEncoding::quote(const QString& text)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\') {
            out += u'\\';
            out += c;
        } else if (c == u'\n') {
            out += QStringLiteral("\\n");
        } else if (c == u'\t') {
            out += QStringLiteral("\\t");
        } else if (c == u'\r') {
            out += QStringLiteral("\\r");
        } else if (c.unicode() < 0x20) {
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out + u'"';
}

QString GoEncoding::string(const nlohmann::json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

} // namespace deepext::fake
