#include "ModelConfig.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <cmath>
#include <filesystem>

namespace deepext::gguf {

ModelConfig ModelConfig::read(const std::string& modelDirectory)
{
    const std::string path = (std::filesystem::path(modelDirectory) / "config.json").string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error("cannot export " + modelDirectory + " as GGUF: it has no config.json (is it a Hugging Face " +
                    "model folder?)");
    }
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(readWholeFile(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error("cannot export " + modelDirectory + " as GGUF: " + path + " is not valid JSON", e.what());
    }
    return fromJson(std::move(config), path);
}

ModelConfig ModelConfig::fromJson(nlohmann::json config, std::string path)
{
    ModelConfig result;
    result.m_path = std::move(path);
    if (!config.is_object()) {
        result.fail("is not a JSON object");
    }
    result.m_raw = config;
    result.m_merged = config;
    if (config.contains("text_config") && config["text_config"].is_object()) {
        for (const auto& [key, value] : config["text_config"].items()) {
            result.m_merged[key] = value;
        }
    }
    return result;
}

void ModelConfig::fail(const std::string& what) const
{
    throw Error(m_path + " " + what);
}

std::string ModelConfig::architecture() const
{
    const auto it = m_raw.find("architectures");
    if (it == m_raw.end() || !it->is_array() || it->empty() || !(*it)[0].is_string()) {
        fail("has no \"architectures\" list naming the model class (e.g. [\"LlamaForCausalLM\"])");
    }
    return (*it)[0].get<std::string>();
}

const nlohmann::json* ModelConfig::find(std::initializer_list<const char*> keys) const
{
    for (const char* key : keys) {
        const auto it = m_merged.find(key);
        if (it != m_merged.end() && !it->is_null()) {
            return &*it;
        }
    }
    return nullptr;
}

bool ModelConfig::isExplicitlyFalse(const char* key) const
{
    const auto it = m_merged.find(key);
    return it != m_merged.end() && it->is_boolean() && !it->get<bool>();
}

std::uint64_t unsignedOf(const ModelConfig& config, const nlohmann::json& value, const std::string& key)
{
    if (value.is_number_unsigned()) {
        return value.get<std::uint64_t>();
    }
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
        return static_cast<std::uint64_t>(value.get<std::int64_t>());
    }
    if (value.is_number_float()) {
        const double number = value.get<double>();
        if (number >= 0 && number < 1.8e19 && std::floor(number) == number) {
            return static_cast<std::uint64_t>(number);
        }
    }
    config.fail("has \"" + key + "\": " + value.dump() + ", which is not a whole number >= 0");
}

double numberOf(const ModelConfig& config, const nlohmann::json& value, const std::string& key)
{
    if (!value.is_number()) {
        config.fail("has \"" + key + "\": " + value.dump() + ", which is not a number");
    }
    return value.get<double>();
}

namespace {

std::string firstKey(std::initializer_list<const char*> keys)
{
    return keys.size() > 0 ? std::string(*keys.begin()) : std::string();
}

} // namespace

std::optional<std::uint64_t> ModelConfig::unsignedValue(std::initializer_list<const char*> keys) const
{
    for (const char* key : keys) {
        const auto it = m_merged.find(key);
        if (it != m_merged.end() && !it->is_null()) {
            return unsignedOf(*this, *it, key);
        }
    }
    return std::nullopt;
}

std::optional<double> ModelConfig::numberValue(std::initializer_list<const char*> keys) const
{
    for (const char* key : keys) {
        const auto it = m_merged.find(key);
        if (it != m_merged.end() && !it->is_null()) {
            return numberOf(*this, *it, key);
        }
    }
    return std::nullopt;
}

std::uint64_t ModelConfig::requireUnsigned(std::initializer_list<const char*> keys, const std::string& why) const
{
    const std::optional<std::uint64_t> value = unsignedValue(keys);
    if (!value) {
        fail("has no \"" + firstKey(keys) + "\" (" + why + ")");
    }
    return *value;
}

double ModelConfig::requireNumber(std::initializer_list<const char*> keys, const std::string& why) const
{
    const std::optional<double> value = numberValue(keys);
    if (!value) {
        fail("has no \"" + firstKey(keys) + "\" (" + why + ")");
    }
    return *value;
}

std::uint32_t ModelConfig::requireUInt32(std::initializer_list<const char*> keys, const std::string& why) const
{
    const std::uint64_t value = requireUnsigned(keys, why);
    if (value == 0 || value > UINT32_MAX) {
        fail("has \"" + firstKey(keys) + "\": " + std::to_string(value) + ", outside 1 to 4294967295");
    }
    return static_cast<std::uint32_t>(value);
}

} // namespace deepext::gguf
