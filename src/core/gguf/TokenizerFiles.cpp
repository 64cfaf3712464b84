#include "TokenizerFiles.h"

#include "deepext/base/Error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace deepext::gguf {

TokenizerFiles::TokenizerFiles(std::string directory)
    : m_directory(std::move(directory))
{
    std::error_code ec;
    if (!fs::is_directory(m_directory, ec)) {
        throw Error("cannot read the tokenizer: " + m_directory + " is not a folder");
    }
    m_tokenizerJson = readObject("tokenizer.json");
    m_tokenizerConfig = readObject("tokenizer_config.json");
    m_addedTokens = readObject("added_tokens.json");
    m_specialTokensMap = readObject("special_tokens_map.json");
}

std::string TokenizerFiles::pathOf(const std::string& name) const
{
    return (fs::path(m_directory) / name).string();
}

bool TokenizerFiles::exists(const std::string& name) const
{
    std::error_code ec;
    return fs::is_regular_file(pathOf(name), ec);
}

std::optional<std::string> TokenizerFiles::readText(const std::string& name) const
{
    if (!exists(name)) {
        return std::nullopt;
    }
    const std::string path = pathOf(name);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in || in.bad()) {
        throw Error("cannot read " + path + ": the file exists but could not be read (check its permissions)");
    }
    return text.str();
}

std::optional<nlohmann::json> TokenizerFiles::readJson(const std::string& name) const
{
    const std::optional<std::string> text = readText(name);
    if (!text) {
        return std::nullopt;
    }
    return parseJson(*text, pathOf(name));
}

std::optional<nlohmann::json> TokenizerFiles::readObject(const std::string& name) const
{
    std::optional<nlohmann::json> value = readJson(name);
    if (value && !value->is_object()) {
        throw Error(pathOf(name) + " is not a JSON object (it holds a " + std::string(value->type_name()) +
                    "); restore the file from the base model");
    }
    return value;
}

std::vector<std::string> TokenizerFiles::list(const std::string& subfolder, const std::string& suffix) const
{
    std::vector<std::string> names;
    std::error_code ec;
    const fs::path folder = fs::path(m_directory) / subfolder;
    if (!fs::is_directory(folder, ec)) {
        return names;
    }
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string file = it->path().filename().string();
        std::error_code fileEc;
        if (file.size() > suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0 &&
            fs::is_regular_file(it->path(), fileEc)) {
            names.push_back((fs::path(subfolder) / file).string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<std::uint64_t> TokenizerFiles::nonNegativeInteger(const nlohmann::json& value)
{
    if (value.is_number_unsigned()) {
        return value.get<std::uint64_t>();
    }
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
        return static_cast<std::uint64_t>(value.get<std::int64_t>());
    }
    return std::nullopt;
}

nlohmann::json TokenizerFiles::parseJson(const std::string& text, const std::string& path)
{
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + " is not valid JSON (" + e.what() + "); restore the file from the base model", e.what());
    }
}

} // namespace deepext::gguf
