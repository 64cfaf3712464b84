#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Helpers shared by the card's readers: metadata files are facts for a card, never a reason to fail a save, so
// every reader here reports problems as notes and treats a field of the wrong type as unknown.
namespace deepext::cardjson {

using nlohmann::json;

// Python's json.dump writes NaN/Infinity as bare words (not JSON); they become null so one stray grad_norm does
// not cost the whole file. Strings are left alone. Returns how many were replaced.
int replaceNonFinite(std::string& text);
// "line 3, column 5" for a 0-based byte offset.
std::string lineColumnOf(const std::string& text, std::size_t byteOffset);
// Parses metadata text; on failure adds "<label>: not valid JSON at line L, column C" to notes and returns
// nullopt. Never throws.
std::optional<json> parseText(std::string text, const std::string& label, std::vector<std::string>& notes);
// As parseText for a file; a missing file returns nullopt without a note, an unreadable one adds a note.
std::optional<json> readFile(const std::string& path, const std::string& label, std::vector<std::string>& notes);
// Whole file or nullopt (absent or unreadable: a note unless absent).
std::optional<std::string> readText(const std::string& path, const std::string& label, std::vector<std::string>& notes);

std::optional<double> optNumber(const json& object, std::string_view key);
// Accepts floats with an integral value (Python writes 20.0 for some step counts).
std::optional<std::int64_t> optInteger(const json& object, std::string_view key);
std::optional<std::uint64_t> optUnsigned(const json& object, std::string_view key);
std::optional<std::string> optString(const json& object, std::string_view key);
std::optional<bool> optBool(const json& object, std::string_view key);
// A list of strings; a lone string becomes a one-element list; absent, null or another type: nullopt.
std::optional<std::vector<std::string>> optStringList(const json& object, std::string_view key);
std::vector<std::string> stringList(const json& object, std::string_view key);
std::map<std::string, double> numberMap(const json& object, std::string_view key);

template <typename T>
void put(json& object, const char* key, const std::optional<T>& value)
{
    if (value) {
        object[key] = *value;
    } else {
        object[key] = nullptr;
    }
}

// The fields of `input` that `known` lacks, recursing through objects present in both: what a newer writer
// added, kept so a card read and written again loses nothing.
json unknownFields(const json& input, const json& known);
void restoreUnknownFields(json& output, const json& unknown);

} // namespace deepext::cardjson
