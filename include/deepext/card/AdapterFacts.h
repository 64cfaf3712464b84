#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// What adapter_config.json says, read tolerantly: these are facts for the card, not the merge's checked
// configuration, so an odd or non-PEFT config still yields whatever it states (and notes for what it lacks).
struct AdapterFacts
{
    bool configFound = false;
    std::optional<std::string> peftType;
    std::optional<std::string> taskType;
    std::optional<std::string> baseModelNameOrPath;
    std::optional<std::string> revision;
    std::optional<std::int64_t> r;
    std::optional<double> loraAlpha;
    std::optional<bool> useRslora;
    std::optional<bool> useDora;
    std::optional<std::vector<std::string>> targetModules; // the list form
    std::optional<std::string> targetModulesPattern;       // the regex-string form
    std::optional<std::vector<std::string>> modulesToSave;
    std::optional<std::string> bias;
    std::optional<double> loraDropout;
    std::optional<std::string> initLoraWeights; // true/false or the method name, as text
    std::map<std::string, double> rankPattern;
    std::map<std::string, double> alphaPattern;
    std::vector<std::string> weightFiles; // adapter_model.safetensors / adapter_model.bin found beside it
    std::vector<std::string> notes;

    static AdapterFacts read(const std::string& adapterDirectory); // never throws
    static AdapterFacts fromConfig(const nlohmann::json& config);

    nlohmann::json toJson() const;
    static AdapterFacts fromJson(const nlohmann::json& json);
};

} // namespace deepext
