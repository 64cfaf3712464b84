#include "GoJsonDecoder.h"

#include <cstring>

namespace deepext::fake {

namespace {

// Go's quoteChar: 'x', with \' and strconv.Quote escapes for the rest.
QString quoteChar(unsigned char c)
{
    if (c == '\'') {
        return QStringLiteral("'\\''");
    }
    if (c == '"') {
        return QStringLiteral("'\"'");
    }
    QString inner;
    switch (c) {
    case '\n':
        inner = QStringLiteral("\\n");
        break;
    case '\r':
        inner = QStringLiteral("\\r");
        break;
    case '\t':
        inner = QStringLiteral("\\t");
        break;
    case '\\':
        inner = QStringLiteral("\\\\");
        break;
    case '\a':
        inner = QStringLiteral("\\a");
        break;
    case '\b':
        inner = QStringLiteral("\\b");
        break;
    case '\f':
        inner = QStringLiteral("\\f");
        break;
    case '\v':
        inner = QStringLiteral("\\v");
        break;
    default:
        if (c < 0x20 || c == 0x7f) {
            inner = QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
        } else if (c >= 0x80) {
            inner = QString(QChar(0xfffd)); // a lone byte of a UTF-8 sequence decodes to U+FFFD
        } else {
            inner = QChar(c);
        }
    }
    return u'\'' + inner + u'\'';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A recursive scanner with Go's error contexts.
class Scanner
{
public:
    explicit Scanner(const QByteArray& data)
        : m_data(data)
    {
    }

    qsizetype pos = 0;
    QString error;
    bool eof = false;

    bool value(int depth)
    {
        if (depth > 10000) {
            error = QStringLiteral("exceeded max depth");
            return false;
        }
        skipSpace();
        if (atEnd()) {
            return false;
        }
        const char c = m_data[pos];
        switch (c) {
        case '{':
            return object(depth + 1);
        case '[':
            return array(depth + 1);
        case '"':
            return string();
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        default:
            if (c == '-' || (c >= '0' && c <= '9')) {
                return number();
            }
            return fail(c, "looking for beginning of value");
        }
    }

private:
    const QByteArray& m_data;

    bool atEnd()
    {
        if (pos >= m_data.size()) {
            eof = true;
            return true;
        }
        return false;
    }
    void skipSpace()
    {
        while (pos < m_data.size() && isSpace(m_data[pos])) {
            ++pos;
        }
    }
    bool fail(char c, const char* context)
    {
        error = QStringLiteral("invalid character %1 %2")
                    .arg(quoteChar(static_cast<unsigned char>(c)), QLatin1String(context));
        return false;
    }

    bool object(int depth)
    {
        ++pos; // '{'
        skipSpace();
        if (atEnd()) {
            return false;
        }
        if (m_data[pos] == '}') {
            ++pos;
            return true;
        }
        while (true) {
            skipSpace();
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] != '"') {
                return fail(m_data[pos], "looking for beginning of object key string");
            }
            if (!string()) {
                return false;
            }
            skipSpace();
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] != ':') {
                return fail(m_data[pos], "after object key");
            }
            ++pos;
            if (!value(depth)) {
                return false;
            }
            skipSpace();
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] == ',') {
                ++pos;
                continue;
            }
            if (m_data[pos] == '}') {
                ++pos;
                return true;
            }
            return fail(m_data[pos], "after object key:value pair");
        }
    }

    bool array(int depth)
    {
        ++pos; // '['
        skipSpace();
        if (atEnd()) {
            return false;
        }
        if (m_data[pos] == ']') {
            ++pos;
            return true;
        }
        while (true) {
            if (!value(depth)) {
                return false;
            }
            skipSpace();
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] == ',') {
                ++pos;
                continue;
            }
            if (m_data[pos] == ']') {
                ++pos;
                return true;
            }
            return fail(m_data[pos], "after array element");
        }
    }

    bool string()
    {
        ++pos; // '"'
        while (true) {
            if (atEnd()) {
                return false;
            }
            const char c = m_data[pos];
            if (c == '"') {
                ++pos;
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return fail(c, "in string literal");
            }
            ++pos;
            if (c != '\\') {
                continue;
            }
            if (atEnd()) {
                return false;
            }
            const char e = m_data[pos];
            if (e == 'u') {
                ++pos;
                for (int i = 0; i < 4; ++i) {
                    if (atEnd()) {
                        return false;
                    }
                    if (!isHex(m_data[pos])) {
                        return fail(m_data[pos], "in \\u hexadecimal character escape");
                    }
                    ++pos;
                }
                continue;
            }
            if (!std::strchr("\"\\/bfnrt", e) || e == '\0') {
                return fail(e, "in string escape code");
            }
            ++pos;
        }
    }

    bool digits()
    {
        bool any = false;
        while (pos < m_data.size() && m_data[pos] >= '0' && m_data[pos] <= '9') {
            ++pos;
            any = true;
        }
        return any;
    }

    bool number()
    {
        if (m_data[pos] == '-') {
            ++pos;
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] < '0' || m_data[pos] > '9') {
                return fail(m_data[pos], "in numeric literal");
            }
        }
        if (m_data[pos] == '0') {
            ++pos;
        } else {
            digits();
        }
        if (pos < m_data.size() && m_data[pos] == '.') {
            ++pos;
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] < '0' || m_data[pos] > '9') {
                return fail(m_data[pos], "after decimal point in numeric literal");
            }
            digits();
        }
        if (pos < m_data.size() && (m_data[pos] == 'e' || m_data[pos] == 'E')) {
            ++pos;
            if (pos < m_data.size() && (m_data[pos] == '+' || m_data[pos] == '-')) {
                ++pos;
            }
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] < '0' || m_data[pos] > '9') {
                return fail(m_data[pos], "in exponent of numeric literal");
            }
            digits();
        }
        return true;
    }

    bool literal(const char* word)
    {
        for (std::size_t i = 1; word[i] != '\0'; ++i) {
            ++pos;
            if (atEnd()) {
                return false;
            }
            if (m_data[pos] != word[i]) {
                const QString text = QStringLiteral("in literal %1 (expecting '%2')")
                                         .arg(QLatin1String(word), QChar(QLatin1Char(word[i])));
                error = QStringLiteral("invalid character %1 %2")
                            .arg(quoteChar(static_cast<unsigned char>(m_data[pos])), text);
                return false;
            }
        }
        ++pos;
        return true;
    }
};

QString jsonKind(const nlohmann::json& v)
{
    if (v.is_string()) {
        return QStringLiteral("string");
    }
    if (v.is_number()) {
        return QStringLiteral("number");
    }
    if (v.is_boolean()) {
        return QStringLiteral("bool");
    }
    if (v.is_array()) {
        return QStringLiteral("array");
    }
    return QStringLiteral("object");
}

QString goTypeName(GoJsonDecoder::Type type)
{
    switch (type) {
    case GoJsonDecoder::Type::String:
        return QStringLiteral("string");
    case GoJsonDecoder::Type::Bool:
        return QStringLiteral("bool");
    case GoJsonDecoder::Type::StringMap:
        return QStringLiteral("map[string]string");
    case GoJsonDecoder::Type::AnyMap:
        return QStringLiteral("map[string]interface {}");
    case GoJsonDecoder::Type::Messages:
        return QStringLiteral("[]api.Message");
    case GoJsonDecoder::Type::Any:
        break;
    }
    return QStringLiteral("interface {}");
}

QString typeError(const nlohmann::json& v, const QString& field, const QString& type)
{
    return QStringLiteral("json: cannot unmarshal %1 into Go struct field %2 of type %3").arg(jsonKind(v), field, type);
}

// The first type error of a known field, or empty. Go keeps decoding after one and reports the first.
QString checkType(const nlohmann::json& v, GoJsonDecoder::Type type, const QString& field)
{
    if (v.is_null()) {
        return {};
    }
    switch (type) {
    case GoJsonDecoder::Type::String:
        return v.is_string() ? QString() : typeError(v, field, goTypeName(type));
    case GoJsonDecoder::Type::Bool:
        return v.is_boolean() ? QString() : typeError(v, field, goTypeName(type));
    case GoJsonDecoder::Type::AnyMap:
        return v.is_object() ? QString() : typeError(v, field, goTypeName(type));
    case GoJsonDecoder::Type::StringMap:
        if (!v.is_object()) {
            return typeError(v, field, goTypeName(type));
        }
        for (const auto& item : v) {
            if (!item.is_null() && !item.is_string()) {
                return typeError(item, field, QStringLiteral("string"));
            }
        }
        return {};
    case GoJsonDecoder::Type::Messages:
        if (!v.is_array()) {
            return typeError(v, field, goTypeName(type));
        }
        for (const auto& item : v) {
            if (item.is_null()) {
                continue;
            }
            if (!item.is_object()) {
                return QStringLiteral("json: cannot unmarshal %1 into Go struct field %2 of type api.Message")
                    .arg(jsonKind(item), field);
            }
            for (const char* key : {"role", "content", "thinking"}) {
                if (item.contains(key) && !item[key].is_null() && !item[key].is_string()) {
                    return typeError(item[key], field + u'.' + QLatin1String(key), QStringLiteral("string"));
                }
            }
        }
        return {};
    case GoJsonDecoder::Type::Any:
        break;
    }
    return {};
}

} // namespace

qsizetype GoJsonDecoder::scanValue(const QByteArray& body, QString& error)
{
    Scanner scanner(body);
    qsizetype start = 0;
    while (start < body.size() && isSpace(body[start])) {
        ++start;
    }
    if (start == body.size()) {
        error.clear();
        return -1;
    }
    if (scanner.value(0)) {
        return scanner.pos;
    }
    error = scanner.error.isEmpty() ? QStringLiteral("unexpected EOF") : scanner.error;
    return -1;
}

GoJsonDecoder::Result GoJsonDecoder::decode(const QByteArray& body, const char* structName,
                                            const std::vector<Field>& fields)
{
    Result result;
    QString error;
    const qsizetype end = scanValue(body, error);
    if (end < 0) {
        result.empty = error.isEmpty();
        result.error = error;
        return result;
    }
    nlohmann::json value;
    try {
        value = nlohmann::json::parse(body.constData(), body.constData() + end);
    } catch (const nlohmann::json::exception&) {
        // Go accepts invalid UTF-8 (as U+FFFD) where nlohmann refuses it; retry after replacing.
        try {
            const QByteArray cleaned = QString::fromUtf8(body.left(end)).toUtf8();
            value = nlohmann::json::parse(cleaned.constData(), cleaned.constData() + cleaned.size());
        } catch (const nlohmann::json::exception& e) {
            result.error = QString::fromUtf8(e.what());
            return result;
        }
    }
    result.value = nlohmann::json::object();
    if (value.is_null()) {
        return result;
    }
    if (!value.is_object()) {
        result.error = QStringLiteral("json: cannot unmarshal %1 into Go value of type api.%2")
                           .arg(jsonKind(value), QLatin1String(structName));
        return result;
    }
    for (auto it = value.begin(); it != value.end(); ++it) {
        const QString key = QString::fromStdString(it.key());
        const Field* match = nullptr;
        for (const Field& field : fields) {
            if (key == QLatin1String(field.first)) {
                match = &field;
                break;
            }
            if (!match && key.compare(QLatin1String(field.first), Qt::CaseInsensitive) == 0) {
                match = &field;
            }
        }
        if (!match) {
            continue; // unknown fields are ignored
        }
        if (result.error.isEmpty()) {
            result.error =
                checkType(it.value(), match->second, QLatin1String(structName) + u'.' + QLatin1String(match->first));
        }
        if (!it.value().is_null()) {
            result.value[match->first] = it.value();
        }
    }
    if (!result.error.isEmpty()) {
        result.value = nlohmann::json::object();
    }
    return result;
}

} // namespace deepext::fake
