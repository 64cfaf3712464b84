#pragma once

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

namespace deepext::fake {

// Decodes a request body the way gin's ShouldBindJSON (Go's json.Decoder into a struct) does, so the stand-in
// answers with the real error texts: io.EOF for an empty body, the scanner's "invalid character ..." messages,
// "unexpected EOF", and "json: cannot unmarshal ..." type errors. Only the first JSON value is read (trailing bytes
// are ignored, as the decoder does) and keys match struct fields case-insensitively.
class GoJsonDecoder
{
public:
    enum class Type
    {
        String,
        Bool,
        StringMap, // map[string]string
        AnyMap,    // map[string]any
        Messages,  // []api.Message
        Any,
    };
    using Field = std::pair<const char*, Type>;

    struct Result
    {
        bool empty = false;   // io.EOF: no value at all ("missing request body")
        QString error;        // non-empty on failure
        nlohmann::json value; // object with canonical (schema) key names; null body gives {}
        bool ok() const { return !empty && error.isEmpty(); }
    };

    // structName is the Go type used in messages ("CreateRequest"); fields lists the known JSON fields.
    static Result decode(const QByteArray& body, const char* structName, const std::vector<Field>& fields);

    // The scanner alone: the length of the first JSON value (after leading spaces), or -1 with error set
    // ("unexpected EOF" when input ran out, empty error when there was no value at all).
    static qsizetype scanValue(const QByteArray& body, QString& error);
};

} // namespace deepext::fake
