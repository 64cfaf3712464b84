#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext::gguf {

// The tokenizer files of one Hugging Face model folder, each JSON file parsed once: tokenizer.json,
// tokenizer_config.json, added_tokens.json and special_tokens_map.json (absent files read as nullopt). Every
// read names the file in its error: a malformed file is refused with the parser's message.
class TokenizerFiles
{
public:
    explicit TokenizerFiles(std::string directory);

    const std::string& directory() const { return m_directory; }
    std::string pathOf(const std::string& name) const;
    // A regular file (or a link to one) of that name in the folder.
    bool exists(const std::string& name) const;

    const std::optional<nlohmann::json>& tokenizerJson() const { return m_tokenizerJson; }
    const std::optional<nlohmann::json>& tokenizerConfig() const { return m_tokenizerConfig; }
    const std::optional<nlohmann::json>& addedTokens() const { return m_addedTokens; }
    const std::optional<nlohmann::json>& specialTokensMap() const { return m_specialTokensMap; }

    // The text of `name`, nullopt when the file is absent.
    std::optional<std::string> readText(const std::string& name) const;
    // `name` parsed as JSON (any value), nullopt when the file is absent.
    std::optional<nlohmann::json> readJson(const std::string& name) const;
    // Names (relative to the folder) of the files in `subfolder` whose names end with `suffix`, sorted.
    std::vector<std::string> list(const std::string& subfolder, const std::string& suffix) const;

    // A JSON integer that is not negative (token ids), whichever way the JSON library stores it.
    static std::optional<std::uint64_t> nonNegativeInteger(const nlohmann::json& value);

    // `text` parsed as JSON; a syntax error becomes a deepext::Error naming `path` with the parser's message.
    static nlohmann::json parseJson(const std::string& text, const std::string& path);

private:
    std::optional<nlohmann::json> readObject(const std::string& name) const;

    std::string m_directory;
    std::optional<nlohmann::json> m_tokenizerJson;
    std::optional<nlohmann::json> m_tokenizerConfig;
    std::optional<nlohmann::json> m_addedTokens;
    std::optional<nlohmann::json> m_specialTokensMap;
};

} // namespace deepext::gguf
