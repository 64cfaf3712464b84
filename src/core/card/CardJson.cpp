#include "CardJson.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace deepext::cardjson {

int replaceNonFinite(std::string& text)
{
    static const std::string_view words[] = {"-Infinity", "Infinity", "NaN"};
    int replaced = 0;
    bool inString = false;
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) {
                out += text[i + 1];
                i += 2;
                continue;
            }
            if (c == '"') {
                inString = false;
            }
            ++i;
            continue;
        }
        if (c == '"') {
            inString = true;
            out += c;
            ++i;
            continue;
        }
        bool matched = false;
        for (std::string_view word : words) {
            if (text.compare(i, word.size(), word) == 0) {
                out += "null";
                i += word.size();
                ++replaced;
                matched = true;
                break;
            }
        }
        if (!matched) {
            out += c;
            ++i;
        }
    }
    if (replaced > 0) {
        text = std::move(out);
    }
    return replaced;
}

std::string lineColumnOf(const std::string& text, std::size_t byteOffset)
{
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < byteOffset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::optional<json> parseText(std::string text, const std::string& label, std::vector<std::string>& notes)
{
    const int nonFinite = replaceNonFinite(text);
    try {
        json value = json::parse(text);
        if (nonFinite > 0) {
            notes.push_back(label + ": " + std::to_string(nonFinite) +
                            " non-finite number(s) (NaN/Infinity) read as missing");
        }
        return value;
    } catch (const json::parse_error& e) {
        // byte is 1-based and points at the character that broke the parse.
        const std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        notes.push_back(label + ": not valid JSON at " + lineColumnOf(text, offset));
    } catch (const std::exception& e) {
        notes.push_back(label + ": not readable as JSON (" + e.what() + ")");
    }
    return std::nullopt;
}

std::optional<std::string> readText(const std::string& path, const std::string& label, std::vector<std::string>& notes)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return std::nullopt;
    }
    if (!std::filesystem::is_regular_file(path, ec)) {
        notes.push_back(label + ": not a regular file");
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        notes.push_back(label + ": cannot be read");
        return std::nullopt;
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        notes.push_back(label + ": cannot be read");
        return std::nullopt;
    }
    return content.str();
}

std::optional<json> readFile(const std::string& path, const std::string& label, std::vector<std::string>& notes)
{
    auto text = readText(path, label, notes);
    if (!text) {
        return std::nullopt;
    }
    return parseText(std::move(*text), label, notes);
}

namespace {

const json* field(const json& object, std::string_view key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

} // namespace

std::optional<double> optNumber(const json& object, std::string_view key)
{
    const json* value = field(object, key);
    if (!value || !value->is_number()) {
        return std::nullopt;
    }
    const double number = value->get<double>();
    if (!std::isfinite(number)) {
        return std::nullopt;
    }
    return number;
}

std::optional<std::int64_t> optInteger(const json& object, std::string_view key)
{
    const json* value = field(object, key);
    if (!value) {
        return std::nullopt;
    }
    if (value->is_number_integer()) {
        return value->get<std::int64_t>();
    }
    if (value->is_number_float()) {
        const double number = value->get<double>();
        if (std::isfinite(number) && number == std::floor(number) && std::fabs(number) < 9.0e15) {
            return static_cast<std::int64_t>(number);
        }
    }
    return std::nullopt;
}

std::optional<std::uint64_t> optUnsigned(const json& object, std::string_view key)
{
    const json* value = field(object, key);
    if (!value) {
        return std::nullopt;
    }
    if (value->is_number_unsigned()) {
        return value->get<std::uint64_t>();
    }
    auto integer = optInteger(object, key);
    if (integer && *integer >= 0) {
        return static_cast<std::uint64_t>(*integer);
    }
    return std::nullopt;
}

std::optional<std::string> optString(const json& object, std::string_view key)
{
    const json* value = field(object, key);
    if (!value || !value->is_string()) {
        return std::nullopt;
    }
    return value->get<std::string>();
}

std::optional<bool> optBool(const json& object, std::string_view key)
{
    const json* value = field(object, key);
    if (!value || !value->is_boolean()) {
        return std::nullopt;
    }
    return value->get<bool>();
}

std::optional<std::vector<std::string>> optStringList(const json& object, std::string_view key)
{
    const json* value = field(object, key);
    if (!value) {
        return std::nullopt;
    }
    if (value->is_string()) {
        return std::vector<std::string>{value->get<std::string>()};
    }
    if (!value->is_array()) {
        return std::nullopt;
    }
    std::vector<std::string> list;
    for (const json& item : *value) {
        if (item.is_string()) {
            list.push_back(item.get<std::string>());
        }
    }
    return list;
}

std::vector<std::string> stringList(const json& object, std::string_view key)
{
    return optStringList(object, key).value_or(std::vector<std::string>{});
}

std::map<std::string, double> numberMap(const json& object, std::string_view key)
{
    std::map<std::string, double> map;
    const json* value = field(object, key);
    if (!value || !value->is_object()) {
        return map;
    }
    for (auto it = value->begin(); it != value->end(); ++it) {
        if (it.value().is_number()) {
            const double number = it.value().get<double>();
            if (std::isfinite(number)) {
                map[it.key()] = number;
            }
        }
    }
    return map;
}

json unknownFields(const json& input, const json& known)
{
    json unknown = json::object();
    if (!input.is_object()) {
        return unknown;
    }
    for (auto it = input.begin(); it != input.end(); ++it) {
        const json* mine = field(known, it.key());
        if (!mine) {
            unknown[it.key()] = it.value();
        } else if (it.value().is_object() && mine->is_object()) {
            json nested = unknownFields(it.value(), *mine);
            if (!nested.empty()) {
                unknown[it.key()] = std::move(nested);
            }
        }
    }
    return unknown;
}

void restoreUnknownFields(json& output, const json& unknown)
{
    if (!output.is_object() || !unknown.is_object()) {
        return;
    }
    for (auto it = unknown.begin(); it != unknown.end(); ++it) {
        auto existing = output.find(it.key());
        if (existing == output.end()) {
            output[it.key()] = it.value();
        } else if (existing->is_object() && it.value().is_object()) {
            restoreUnknownFields(*existing, it.value());
        }
    }
}

} // namespace deepext::cardjson
