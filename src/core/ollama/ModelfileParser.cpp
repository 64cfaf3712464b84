#include "deepext/ollama/ModelfileParser.h"

#include "deepext/base/Error.h"

#include <QByteArray>
#include <QString>
#include <QStringDecoder>

#include <algorithm>
#include <array>
#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace deepext::ollama {
namespace {

enum class State
{
    Nil,
    Name,
    Value,
    Parameter,
    Message,
    Comment,
};

enum class ParamType
{
    Int,
    Float,
    Bool,
    StringArray,
};

struct ParamSpec
{
    const char* name;
    ParamType type;
};

// api.Options / Runner fields that a Modelfile may set (api/types.go FormatParams; docs/ollama-notes.md, "Parameter
// types").
constexpr std::array<ParamSpec, 20> ParamSpecs{{
    {"num_keep", ParamType::Int},
    {"seed", ParamType::Int},
    {"num_predict", ParamType::Int},
    {"top_k", ParamType::Int},
    {"repeat_last_n", ParamType::Int},
    {"num_ctx", ParamType::Int},
    {"num_batch", ParamType::Int},
    {"num_gpu", ParamType::Int},
    {"main_gpu", ParamType::Int},
    {"num_thread", ParamType::Int},
    {"draft_num_predict", ParamType::Int},
    {"top_p", ParamType::Float},
    {"min_p", ParamType::Float},
    {"typical_p", ParamType::Float},
    {"temperature", ParamType::Float},
    {"repeat_penalty", ParamType::Float},
    {"presence_penalty", ParamType::Float},
    {"frequency_penalty", ParamType::Float},
    {"use_mmap", ParamType::Bool},
    {"stop", ParamType::StringArray},
}};

constexpr std::array<const char*, 9> DeprecatedParams{"penalize_newline", "low_vram",     "f16_kv",
                                                      "logits_all",       "vocab_only",   "use_mlock",
                                                      "mirostat",         "mirostat_tau", "mirostat_eta"};

constexpr std::array<const char*, 11> Instructions{"from",     "license", "template",  "system",  "adapter", "draft",
                                                   "renderer", "parser",  "parameter", "message", "requires"};

bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}
bool isNewline(char c)
{
    return c == '\r' || c == '\n';
}
// strconv.IsPrint for the bytes we can judge: ASCII control characters are dropped; multi-byte UTF-8 is kept.
bool isPrintable(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u != 0x7f;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string trimSpace(const std::string& s)
{
    const char* ws = " \t\r\n\v\f";
    const auto begin = s.find_first_not_of(ws);
    if (begin == std::string::npos) {
        return {};
    }
    const auto end = s.find_last_not_of(ws);
    return s.substr(begin, end - begin + 1);
}

// parser.unquote: """...""" or "..." (no escapes); false while a quote is still open.
bool unquote(const std::string& s, std::string& out)
{
    if (s.size() >= 3 && s.compare(0, 3, R"(""")") == 0) {
        if (s.size() >= 6 && s.compare(s.size() - 3, 3, R"(""")") == 0) {
            out = s.substr(3, s.size() - 6);
            return true;
        }
        return false;
    }
    if (!s.empty() && s.front() == '"') {
        if (s.size() >= 2 && s.back() == '"') {
            out = s.substr(1, s.size() - 2);
            return true;
        }
        return false;
    }
    out = s;
    return true;
}

// A UTF-8 or UTF-16 byte order mark is handled as Ollama's reader does (unicode.BOMOverride).
std::string decodeText(const std::string& text)
{
    auto starts = [&](std::initializer_list<unsigned char> bom) {
        if (text.size() < bom.size()) {
            return false;
        }
        return std::equal(bom.begin(), bom.end(), text.begin(),
                          [](unsigned char a, char b) { return a == static_cast<unsigned char>(b); });
    };
    if (starts({0xEF, 0xBB, 0xBF})) {
        return text.substr(3);
    }
    if (starts({0xFF, 0xFE}) || starts({0xFE, 0xFF})) {
        QStringDecoder decoder(starts({0xFF, 0xFE}) ? QStringConverter::Utf16LE : QStringConverter::Utf16BE);
        const QString decoded =
            decoder.decode(QByteArrayView(text.data() + 2, static_cast<qsizetype>(text.size() - 2)));
        return decoded.toStdString();
    }
    return text;
}

[[noreturn]] void fail(int line, const std::string& message)
{
    throw Error::usage("line " + std::to_string(line) + ": " + message);
}

const ParamSpec* findSpec(const std::string& key)
{
    for (const auto& spec : ParamSpecs) {
        if (key == spec.name) {
            return &spec;
        }
    }
    return nullptr;
}

// strconv.ParseInt(s, 10, 64)
bool parseInt(const std::string& s, std::int64_t& out)
{
    std::string digits = s;
    if (!digits.empty() && digits.front() == '+') {
        digits.erase(0, 1);
        if (!digits.empty() && digits.front() == '-') {
            return false;
        }
    }
    if (digits.empty()) {
        return false;
    }
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), out, 10);
    return result.ec == std::errc() && result.ptr == digits.data() + digits.size();
}

// strconv.ParseFloat(s, 32), minus the non-finite values JSON cannot carry.
bool parseFloat(const std::string& s, double& out)
{
    std::string text = s;
    if (!text.empty() && text.front() == '+') {
        text.erase(0, 1);
        if (!text.empty() && text.front() == '-') {
            return false;
        }
    }
    if (text.empty()) {
        return false;
    }
    const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size()) {
        return false;
    }
    return std::isfinite(out) && std::fabs(out) <= static_cast<double>(FLT_MAX);
}

// strconv.ParseBool
bool parseBool(const std::string& s, bool& out)
{
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
        out = true;
        return true;
    }
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
        out = false;
        return true;
    }
    return false;
}

std::string instructionLabel(const std::string& word)
{
    return upper(word);
}

} // namespace

bool ModelfileParser::isInstruction(const std::string& word)
{
    const std::string lowered = lower(word);
    return std::any_of(Instructions.begin(), Instructions.end(), [&](const char* i) { return lowered == i; });
}

bool ModelfileParser::isDeprecatedParameter(const std::string& key)
{
    return std::any_of(DeprecatedParams.begin(), DeprecatedParams.end(), [&](const char* p) { return key == p; });
}

std::vector<ModelfileCommand> ModelfileParser::parse(const std::string& rawText)
{
    const std::string text = decodeText(rawText);
    std::vector<ModelfileCommand> commands;
    ModelfileCommand command;
    State state = State::Nil;
    std::string buffer;
    int line = 1;

    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        State next = state;
        bool keep = false; // whether c itself goes into the buffer
        switch (state) {
        case State::Nil:
            if (c == '#') {
                next = State::Comment;
            } else if (!isSpace(c) && !isNewline(c)) {
                next = State::Name;
                keep = true;
                command = ModelfileCommand{};
                command.line = line;
            }
            break;
        case State::Name:
            if (isAlpha(c)) {
                keep = true;
            } else if (isSpace(c)) {
                next = State::Value;
            } else if (isInstruction(buffer)) {
                fail(command.line, instructionLabel(buffer) + " needs a value on the same line");
            } else {
                // Usually a template line outside quotes: say how to write a value that spans lines.
                const auto end = text.find_first_of("\r\n", i);
                const std::string rest = buffer + text.substr(i, end == std::string::npos ? end : end - i);
                fail(command.line, "expected an instruction (TEMPLATE, SYSTEM, PARAMETER, LICENSE, MESSAGE, ...) "
                                   "but found \"" +
                                       rest +
                                       "\"; a value that spans several lines must be in \"\"\"triple quotes\"\"\"");
            }
            break;
        case State::Value:
            keep = true;
            if (isNewline(c) || isSpace(c)) {
                next = State::Nil;
            }
            break;
        case State::Parameter:
            if (isAlpha(c) || isDigit(c) || c == '_') {
                keep = true;
            } else if (isSpace(c)) {
                next = State::Value;
            } else {
                fail(command.line,
                     buffer.empty() ? "PARAMETER needs a name and a value" : "PARAMETER " + buffer + " needs a value");
            }
            break;
        case State::Message:
            if (isAlpha(c)) {
                keep = true;
            } else if (isSpace(c)) {
                next = State::Value;
            } else {
                fail(command.line, "MESSAGE needs a role (system, user or assistant) and a text");
            }
            break;
        case State::Comment:
            if (isNewline(c)) {
                next = State::Nil;
            }
            break;
        }

        if (next != state) {
            switch (state) {
            case State::Name: {
                if (!isInstruction(buffer)) {
                    fail(command.line, "unknown instruction \"" + buffer +
                                           "\": command must be one of \"from\", \"license\", \"template\", "
                                           "\"system\", \"adapter\", \"draft\", \"renderer\", \"parser\", "
                                           "\"parameter\", \"message\", or \"requires\"");
                }
                command.instruction = lower(buffer);
                if (command.instruction == "parameter") {
                    next = State::Parameter;
                } else if (command.instruction == "message") {
                    next = State::Message;
                }
                break;
            }
            case State::Parameter:
                command.key = buffer;
                break;
            case State::Message:
                if (buffer != "system" && buffer != "user" && buffer != "assistant") {
                    fail(command.line,
                         "message role must be one of \"system\", \"user\", or \"assistant\" (got \"" + buffer + "\")");
                }
                command.key = buffer;
                break;
            case State::Value: {
                std::string value;
                // Spaces always stay in the value; a line end ends it unless a quote is still open.
                if (!unquote(trimSpace(buffer), value) || isSpace(c)) {
                    buffer += c;
                    if (c == '\n') {
                        ++line;
                    } else if (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n')) {
                        ++line;
                    }
                    continue;
                }
                command.value = value;
                commands.push_back(command);
                break;
            }
            case State::Nil:
            case State::Comment:
                break;
            }
            buffer.clear();
            state = next;
            keep = keep && state != State::Nil;
        }

        if (keep && isPrintable(c)) {
            buffer += c;
        }
        if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
            ++line;
        }
    }

    switch (state) {
    case State::Nil:
    case State::Comment:
        break;
    case State::Value: {
        std::string value;
        if (!unquote(trimSpace(buffer), value)) {
            fail(command.line, "the value of " + instructionLabel(command.instruction) +
                                   " opens a quote that is never closed (unexpected end of file)");
        }
        command.value = value;
        commands.push_back(command);
        break;
    }
    case State::Name:
        fail(command.line, isInstruction(buffer) ? instructionLabel(buffer) + " needs a value"
                                                 : "unexpected end of file after \"" + buffer + "\"");
    case State::Parameter:
        fail(command.line,
             buffer.empty() ? "PARAMETER needs a name and a value" : "PARAMETER " + buffer + " needs a value");
    case State::Message:
        fail(command.line, "MESSAGE needs a role (system, user or assistant) and a text");
    }
    return commands;
}

ParameterAssignment ModelfileParser::typeParameter(const std::string& key, const std::string& value)
{
    ParameterAssignment result;
    result.key = key;
    if (isDeprecatedParameter(key)) {
        result.warning = "parameter " + key + " is deprecated and is ignored";
        return result;
    }
    const ParamSpec* spec = findSpec(key);
    if (!spec) {
        throw Error::usage("unknown parameter '" + key + "'");
    }
    switch (spec->type) {
    case ParamType::Int: {
        std::int64_t number = 0;
        if (!parseInt(value, number)) {
            throw Error::usage("invalid int value [" + value + "] for parameter " + key + " (expected an integer)");
        }
        result.value = number;
        break;
    }
    case ParamType::Float: {
        double number = 0;
        if (!parseFloat(value, number)) {
            throw Error::usage("invalid float value [" + value + "] for parameter " + key + " (expected a number)");
        }
        result.value = number;
        break;
    }
    case ParamType::Bool: {
        bool flag = false;
        if (!parseBool(value, flag)) {
            throw Error::usage("invalid bool value [" + value + "] for parameter " + key + " (expected true or false)");
        }
        result.value = flag;
        break;
    }
    case ParamType::StringArray:
        result.value = nlohmann::json::array({value});
        break;
    }
    return result;
}

ParameterAssignment ModelfileParser::parseParameterAssignment(const std::string& assignment)
{
    const auto equals = assignment.find('=');
    const std::string key = trimSpace(assignment.substr(0, equals));
    if (equals == std::string::npos || key.empty()) {
        throw Error::usage("invalid parameter \"" + assignment + "\": expected KEY=VALUE, for example temperature=0.7");
    }
    std::string value;
    if (!unquote(trimSpace(assignment.substr(equals + 1)), value)) {
        throw Error::usage("invalid parameter \"" + assignment + "\": the value opens a quote that is never closed");
    }
    return typeParameter(key, value);
}

std::string ModelfileParser::typedValueError(const std::string& key, const nlohmann::json& value)
{
    const ParamSpec* spec = findSpec(key);
    if (!spec) {
        return "unknown parameter '" + key + "'";
    }
    switch (spec->type) {
    case ParamType::Int:
        if (!value.is_number_integer()) {
            return "parameter " + key + " must be an integer, not " + value.dump();
        }
        break;
    case ParamType::Float:
        if (!value.is_number()) {
            return "parameter " + key + " must be a number, not " + value.dump();
        }
        break;
    case ParamType::Bool:
        if (!value.is_boolean()) {
            return "parameter " + key + " must be true or false, not " + value.dump();
        }
        break;
    case ParamType::StringArray:
        if (!value.is_array() ||
            !std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
            return "parameter " + key + " must be a list of strings, not " + value.dump();
        }
        break;
    }
    return {};
}

void ModelfileParser::addParameter(nlohmann::json& parameters, const std::string& key, const nlohmann::json& value)
{
    if (!parameters.is_object()) {
        parameters = nlohmann::json::object();
    }
    if (value.is_null()) {
        return;
    }
    if (value.is_array() && parameters.contains(key) && parameters[key].is_array()) {
        for (const auto& item : value) {
            parameters[key].push_back(item);
        }
        return;
    }
    parameters[key] = value;
}

} // namespace deepext::ollama
