#pragma once

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace deepext::fake {

// How a Go server writes what the stand-in answers: encoding/json's escaping, api.ProgressResponse's field order,
// {"error": ...} bodies and strconv.Quote inside error messages.
class GoEncoding
{
public:
    static const QByteArray JsonType; // gin's c.JSON content type
    static const QByteArray TextType;

    // json.Marshal: escapes <, > and & (and U+2028/9) inside strings.
    static QByteArray json(const nlohmann::json& value);
    // The same for an object whose keys must stay in the Go struct's field order.
    static QByteArray orderedJson(const nlohmann::ordered_json& value);
    // A progress object in api.ProgressResponse field order (status, digest, total, completed); others as json().
    static QByteArray progress(const nlohmann::json& line);
    // {"error": message}
    static QByteArray error(const QString& message);
    // strconv.Quote for the strings that show up in error messages.
    static QString quote(const QString& text);
    // The string at key, or empty when it is missing or not a string.
    static QString string(const nlohmann::json& object, const char* key);
};

} // namespace deepext::fake
