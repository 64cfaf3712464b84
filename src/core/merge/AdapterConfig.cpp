#include "deepext/merge/AdapterConfig.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>

namespace deepext {
namespace {

using Json = nlohmann::ordered_json; // keeps rank_pattern/alpha_pattern in file order

// peft_type values (PEFT utils/peft_types.py) and the names people know them by.
const std::map<std::string, std::string>& peftTypeNames()
{
    static const std::map<std::string, std::string> names = {
        {"PROMPT_TUNING", "prompt tuning"},
        {"MULTITASK_PROMPT_TUNING", "multitask prompt tuning"},
        {"P_TUNING", "P-tuning"},
        {"PREFIX_TUNING", "prefix tuning"},
        {"LORA", "LoRA"},
        {"ADALORA", "AdaLoRA"},
        {"ADAMSS", "AdaMSS"},
        {"BOFT", "BOFT"},
        {"ADAPTION_PROMPT", "adaption prompt"},
        {"IA3", "IA3"},
        {"BEFT", "BEFT"},
        {"LILY", "LiLy"},
        {"LOHA", "LoHa"},
        {"LOKR", "LoKr"},
        {"OFT", "OFT"},
        {"POLY", "Poly"},
        {"LN_TUNING", "LayerNorm tuning"},
        {"VERA", "VeRA"},
        {"FROD", "FRoD"},
        {"PVERA", "PVeRA"},
        {"FOURIERFT", "FourierFT"},
        {"GLORA", "GLoRA"},
        {"XLORA", "X-LoRA"},
        {"HRA", "HRA"},
        {"VBLORA", "VB-LoRA"},
        {"UNILORA", "UniLoRA"},
        {"CPT", "CPT"},
        {"MISS", "MiSS"},
        {"RANDLORA", "RandLoRA"},
        {"ROAD", "RoAd"},
        {"TRAINABLE_TOKENS", "trainable tokens"},
        {"HIRA", "HiRA"},
        {"SHIRA", "SHiRA"},
        {"C3A", "C3A"},
        {"WAVEFT", "WaveFT"},
        {"OSF", "OSF"},
        {"DELORA", "DeLoRA"},
        {"GRALORA", "GraLoRA"},
        {"CARTRIDGE", "Cartridge"},
        {"TINYLORA", "TinyLoRA"},
        {"PSOFT", "PSOFT"},
        {"PEANUT", "PEANuT"},
        {"SUPERTUNING", "SuperTuning"},
        {"DEFT", "DEFT"},
    };
    return names;
}

class Reader
{
public:
    Reader(const Json& json, const std::string& path)
        : m_json(json)
        , m_path(path)
    {
    }

    bool isNull(const char* key) const
    {
        const auto it = m_json.find(key);
        return it == m_json.end() || it->is_null();
    }
    const Json* get(const char* key) const
    {
        const auto it = m_json.find(key);
        return it == m_json.end() || it->is_null() ? nullptr : &*it;
    }

    [[noreturn]] void malformed(const std::string& key, const std::string& expected) const
    {
        throw Error("adapter_config.json at " + m_path + " is malformed: \"" + key + "\" must be " + expected);
    }

    bool boolean(const char* key, bool fallback) const
    {
        const Json* value = get(key);
        if (!value) {
            return fallback;
        }
        if (!value->is_boolean()) {
            malformed(key, "true or false");
        }
        return value->get<bool>();
    }
    std::string string(const char* key, const std::string& fallback = {}) const
    {
        const Json* value = get(key);
        if (!value) {
            return fallback;
        }
        if (!value->is_string()) {
            malformed(key, "a string");
        }
        return value->get<std::string>();
    }
    static bool isIntegral(const Json& value)
    {
        if (value.is_number_integer()) {
            return true;
        }
        return value.is_number_float() && std::isfinite(value.get<double>()) &&
               std::floor(value.get<double>()) == value.get<double>() && std::fabs(value.get<double>()) < 1e15;
    }
    static std::int64_t integral(const Json& value)
    {
        return value.is_number_integer() ? value.get<std::int64_t>() : static_cast<std::int64_t>(value.get<double>());
    }
    int positiveInt(const Json& value, const std::string& key) const
    {
        if (!isIntegral(value) || integral(value) <= 0 || integral(value) > 1'000'000) {
            malformed(key, "a positive integer");
        }
        return static_cast<int>(integral(value));
    }
    double finiteNumber(const Json& value, const std::string& key) const
    {
        if (!value.is_number() || !std::isfinite(value.get<double>())) {
            malformed(key, "a number");
        }
        return value.get<double>();
    }
    std::vector<std::string> stringList(const Json& value, const std::string& key) const
    {
        if (!value.is_array()) {
            malformed(key, "a list of strings");
        }
        std::vector<std::string> out;
        for (const Json& item : value) {
            if (!item.is_string()) {
                malformed(key, "a list of strings");
            }
            std::string text = item.get<std::string>();
            if (std::find(out.begin(), out.end(), text) == out.end()) {
                out.push_back(std::move(text));
            }
        }
        return out;
    }
    std::vector<std::int64_t> indexList(const Json& value, const std::string& key) const
    {
        if (!value.is_array()) {
            malformed(key, "a list of token indices");
        }
        std::vector<std::int64_t> out;
        for (const Json& item : value) {
            if (!isIntegral(item) || integral(item) < 0) {
                malformed(key, "a list of non-negative token indices");
            }
            out.push_back(integral(item));
        }
        return out;
    }
    // A list of strings or one regex string (target_modules, exclude_modules).
    void modules(const char* key, std::vector<std::string>& list, std::string& regex, bool& isRegex) const
    {
        const Json* value = get(key);
        if (!value) {
            return;
        }
        if (value->is_string()) {
            regex = value->get<std::string>();
            isRegex = true;
        } else if (value->is_array()) {
            list = stringList(*value, key);
        } else {
            malformed(key, "a list of module names or a regular expression string");
        }
    }

private:
    const Json& m_json;
    const std::string& m_path;
};

} // namespace

std::string AdapterConfig::peftTypeDisplayName(const std::string& peftType)
{
    const auto& names = peftTypeNames();
    const auto it = names.find(peftType);
    return it == names.end() ? peftType : it->second;
}

AdapterConfig AdapterConfig::fromFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error("no adapter_config.json at " + path +
                    " (a PEFT adapter directory holds adapter_config.json and adapter_model.safetensors)");
    }
    return fromJson(readWholeFile(path), path);
}

AdapterConfig AdapterConfig::fromJson(const std::string& text, const std::string& path)
{
    Json json;
    try {
        json = Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error("adapter_config.json at " + path + " is not valid JSON", e.what());
    }
    if (!json.is_object()) {
        throw Error("adapter_config.json at " + path + " is malformed: it is not a JSON object");
    }
    const Reader read(json, path);

    AdapterConfig config;
    config.path = path;

    // What kind of adapter is it? Refuse everything but LoRA by name, first.
    const Json* peftType = read.get("peft_type");
    if (!peftType) {
        throw Error("adapter_config.json at " + path +
                    " is not a PEFT adapter config (it has no peft_type); only PEFT LoRA adapters can be merged");
    }
    if (!peftType->is_string()) {
        read.malformed("peft_type", "a string such as \"LORA\"");
    }
    config.peftType = peftType->get<std::string>();
    if (config.peftType != "LORA") {
        if (peftTypeNames().count(config.peftType) != 0) {
            const std::string name = peftTypeDisplayName(config.peftType);
            // "an IA3", "an X-LoRA", "an HRA", but "a LoHa", "a prompt tuning".
            const bool an =
                std::string("AEIOU").find(name[0]) != std::string::npos || name.rfind("X-", 0) == 0 || name == "HRA";
            throw Error("adapter_config.json at " + path + " is " + (an ? "an " : "a ") + name +
                        " adapter; only LoRA adapters can be merged");
        }
        throw Error("adapter_config.json at " + path + " has an unknown peft_type \"" + config.peftType +
                    "\"; only LoRA adapters (peft_type \"LORA\") can be merged");
    }

    config.taskType = read.string("task_type");
    if (const Json* r = read.get("r")) {
        config.r = read.positiveInt(*r, "r");
    }
    if (json.contains("lora_alpha")) {
        const Json& alpha = json["lora_alpha"];
        if (alpha.is_null() || alpha.is_boolean()) {
            read.malformed("lora_alpha", "a number");
        }
        config.loraAlpha = read.finiteNumber(alpha, "lora_alpha");
    }
    config.useRslora = read.boolean("use_rslora", false);
    config.useDora = read.boolean("use_dora", false);
    config.fanInFanOut = read.boolean("fan_in_fan_out", false);
    config.bias = read.string("bias", "none");
    if (config.bias != "none" && config.bias != "all" && config.bias != "lora_only") {
        read.malformed("bias", "\"none\", \"all\" or \"lora_only\"");
    }
    config.loraBias = read.boolean("lora_bias", false);
    read.modules("target_modules", config.targetModules, config.targetModulesRegex, config.targetModulesIsRegex);
    read.modules("exclude_modules", config.excludeModules, config.excludeModulesRegex, config.excludeModulesIsRegex);
    if (const Json* modules = read.get("modules_to_save")) {
        config.modulesToSave = read.stringList(*modules, "modules_to_save");
    }
    if (const Json* pattern = read.get("rank_pattern")) {
        if (!pattern->is_object()) {
            read.malformed("rank_pattern", "an object mapping module patterns to ranks");
        }
        for (const auto& [key, value] : pattern->items()) {
            config.rankPattern.emplace_back(key, read.positiveInt(value, "rank_pattern." + key));
        }
    }
    if (const Json* pattern = read.get("alpha_pattern")) {
        if (!pattern->is_object()) {
            read.malformed("alpha_pattern", "an object mapping module patterns to alphas");
        }
        for (const auto& [key, value] : pattern->items()) {
            if (value.is_boolean()) {
                read.malformed("alpha_pattern." + key, "a number");
            }
            config.alphaPattern.emplace_back(key, read.finiteNumber(value, "alpha_pattern." + key));
        }
    }
    if (const Json* tokens = read.get("trainable_token_indices")) {
        if (tokens->is_array()) {
            config.trainableTokenIndices[""] = read.indexList(*tokens, "trainable_token_indices");
        } else if (tokens->is_object()) {
            for (const auto& [key, value] : tokens->items()) {
                config.trainableTokenIndices[key] = read.indexList(value, "trainable_token_indices." + key);
            }
        } else {
            read.malformed("trainable_token_indices", "a list of token indices or an object of such lists");
        }
    }
    if (const Json* layers = read.get("layers_to_transform")) {
        if (Reader::isIntegral(*layers)) {
            config.layersToTransform.push_back(static_cast<int>(Reader::integral(*layers)));
        } else if (layers->is_array()) {
            for (const Json& item : *layers) {
                if (!Reader::isIntegral(item)) {
                    read.malformed("layers_to_transform", "a layer index or a list of them");
                }
                config.layersToTransform.push_back(static_cast<int>(Reader::integral(item)));
            }
        } else {
            read.malformed("layers_to_transform", "a layer index or a list of them");
        }
    }
    if (const Json* pattern = read.get("layers_pattern")) {
        if (pattern->is_string()) {
            config.layersPattern.push_back(pattern->get<std::string>());
        } else {
            config.layersPattern = read.stringList(*pattern, "layers_pattern");
        }
    }
    config.baseModelNameOrPath = read.string("base_model_name_or_path");
    config.revision = read.string("revision");
    config.peftVersion = read.string("peft_version");
    if (const Json* init = read.get("init_lora_weights")) {
        if (init->is_boolean()) {
            config.initLoraWeights = init->get<bool>() ? "true" : "false";
        } else if (init->is_string()) {
            config.initLoraWeights = init->get<std::string>();
        } else {
            read.malformed("init_lora_weights", "true, false or an initialisation name");
        }
    }

    // Features whose non-default value changes the math or the key layout in ways we cannot (or PEFT will not)
    // merge: all of them are listed together so the user sees the whole picture at once.
    std::vector<std::string> refused;
    const auto present = [&](const char* key) {
        const Json* value = read.get(key);
        if (!value) {
            return false;
        }
        if (value->is_boolean()) {
            return value->get<bool>();
        }
        return !(value->is_array() || value->is_object()) || !value->empty();
    };
    if (present("layer_replication")) {
        config.layerReplication = true;
        refused.push_back("layer_replication (PEFT cannot merge LoRA layers when base model layers are replicated)");
    }
    if (present("alora_invocation_tokens")) {
        refused.push_back("alora_invocation_tokens (activated LoRA, aLoRA, cannot be merged into the weights)");
    }
    if (present("use_qalora")) {
        refused.push_back("use_qalora (QALoRA pools inputs and uses another merge formula)");
    }
    if (present("use_bdlora")) {
        refused.push_back("use_bdlora (block-diagonal LoRA is not supported)");
    }
    for (const char* key : {"arrow_config", "velora_config", "monteclora_config", "kasa_config"}) {
        if (present(key)) {
            refused.push_back(std::string(key) + " (this LoRA variant uses another merge formula)");
        }
    }
    if (present("target_parameters")) {
        refused.push_back("target_parameters (LoRA on raw parameters such as fused MoE experts is not supported)");
    }
    if (present("megatron_config")) {
        refused.push_back("megatron_config (Megatron parallel layers are not supported)");
    }
    if (config.useDora && config.loraBias) {
        refused.push_back("use_dora together with lora_bias (PEFT refuses this combination)");
    }
    const std::string& init = config.initLoraWeights;
    if (init.rfind("pissa", 0) == 0 || init == "olora" || init == "corda" || init == "lora_ga") {
        refused.push_back("init_lora_weights \"" + init +
                          "\" (the adapter was saved unconverted and only fits the residual base PEFT made at "
                          "initialisation; save it again with path_initial_model_for_weight_conversion to get a "
                          "plain LoRA)");
    }
    if (!refused.empty()) {
        std::string message = "adapter_config.json at " + path + " uses ";
        message += refused.size() == 1 ? "a feature that cannot be merged: " : "features that cannot be merged: ";
        for (std::size_t i = 0; i < refused.size(); ++i) {
            message += (i ? "; " : "") + refused[i];
        }
        throw Error(message);
    }
    if (init == "loftq") {
        config.warnings.push_back("init_lora_weights is \"loftq\": the adapter assumes a LoftQ-quantized base; merging "
                                  "it into the full-precision base gives a different model");
    }
    if (!config.layersToTransform.empty() && config.targetModulesIsRegex) {
        throw Error("adapter_config.json at " + path +
                    " is malformed: layers_to_transform cannot be used with a regular expression target_modules");
    }
    return config;
}

std::optional<std::size_t> matchPatternKey(const std::vector<std::string>& patterns, const std::string& module)
{
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        std::regex regex;
        try {
            regex = std::regex("(.*\\.)?(" + patterns[i] + ")", std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
            throw Error("the pattern \"" + patterns[i] +
                            "\" in adapter_config.json is not a regular expression we can "
                            "read",
                        e.what());
        }
        if (std::regex_match(module, regex)) {
            return i;
        }
    }
    return std::nullopt;
}

int AdapterConfig::rankFor(const std::string& module) const
{
    std::vector<std::string> keys;
    for (const auto& entry : rankPattern) {
        keys.push_back(entry.first);
    }
    const auto match = matchPatternKey(keys, module);
    return match ? rankPattern[*match].second : r;
}

double AdapterConfig::alphaFor(const std::string& module) const
{
    std::vector<std::string> keys;
    for (const auto& entry : alphaPattern) {
        keys.push_back(entry.first);
    }
    const auto match = matchPatternKey(keys, module);
    return match ? alphaPattern[*match].second : loraAlpha;
}

double AdapterConfig::scalingFor(const std::string& module, int rank) const
{
    const double alpha = alphaFor(module);
    return useRslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / static_cast<double>(rank);
}

} // namespace deepext
