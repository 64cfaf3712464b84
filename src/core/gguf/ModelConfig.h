#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace deepext::gguf {

// A model folder's config.json read the way llama.cpp's converter reads hyper-parameters (`TextModel.__init__`,
// `find_hparam`): the keys of a nested text_config lifted to the top, the first of several names that is present
// (and not null) wins. Every failure is a deepext::Error naming config.json and the key.
class ModelConfig
{
public:
    static ModelConfig read(const std::string& modelDirectory);
    static ModelConfig fromJson(nlohmann::json config, std::string path);

    const std::string& path() const { return m_path; }
    const nlohmann::json& raw() const { return m_raw; }       // as parsed
    const nlohmann::json& merged() const { return m_merged; } // text_config lifted

    // architectures[0].
    std::string architecture() const;
    // The first of `keys` present and not null, or nullptr.
    const nlohmann::json* find(std::initializer_list<const char*> keys) const;
    bool isExplicitlyFalse(const char* key) const;

    // A whole number >= 0 (an integral float is accepted); nullopt when absent; an error when malformed.
    std::optional<std::uint64_t> unsignedValue(std::initializer_list<const char*> keys) const;
    std::optional<double> numberValue(std::initializer_list<const char*> keys) const;
    // The same, but absence is an error saying what needs it (e.g. "llama.cpp needs it").
    std::uint64_t requireUnsigned(std::initializer_list<const char*> keys, const std::string& why) const;
    double requireNumber(std::initializer_list<const char*> keys, const std::string& why) const;
    // A positive whole number that fits GGUF's UINT32 keys.
    std::uint32_t requireUInt32(std::initializer_list<const char*> keys, const std::string& why) const;

    [[noreturn]] void fail(const std::string& what) const;

private:
    std::string m_path;
    nlohmann::json m_raw;
    nlohmann::json m_merged;
};

// One value of a JSON object as a whole number >= 0, for rope parameter objects and the like; throws through
// `config.fail` naming `key`.
std::uint64_t unsignedOf(const ModelConfig& config, const nlohmann::json& value, const std::string& key);
double numberOf(const ModelConfig& config, const nlohmann::json& value, const std::string& key);

} // namespace deepext::gguf
