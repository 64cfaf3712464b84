#include "deepext/card/AdapterFacts.h"

#include "CardJson.h"

#include <filesystem>

namespace deepext {

namespace cj = cardjson;
namespace fs = std::filesystem;

AdapterFacts AdapterFacts::fromConfig(const nlohmann::json& config)
{
    AdapterFacts facts;
    facts.configFound = true;
    if (!config.is_object()) {
        facts.notes.push_back("adapter_config.json: not a JSON object");
        return facts;
    }
    facts.peftType = cj::optString(config, "peft_type");
    if (!facts.peftType) {
        facts.notes.push_back("adapter_config.json: no peft_type (not written by PEFT?)");
    }
    facts.taskType = cj::optString(config, "task_type");
    facts.baseModelNameOrPath = cj::optString(config, "base_model_name_or_path");
    facts.revision = cj::optString(config, "revision");
    facts.r = cj::optInteger(config, "r");
    facts.loraAlpha = cj::optNumber(config, "lora_alpha");
    facts.useRslora = cj::optBool(config, "use_rslora");
    facts.useDora = cj::optBool(config, "use_dora");
    if (auto it = config.find("target_modules"); it != config.end()) {
        if (it->is_string()) {
            facts.targetModulesPattern = it->get<std::string>();
        } else if (it->is_array()) {
            facts.targetModules = cj::stringList(config, "target_modules");
        }
    }
    facts.modulesToSave = cj::optStringList(config, "modules_to_save");
    if (auto it = config.find("modules_to_save"); it != config.end() && it->is_null()) {
        facts.modulesToSave = std::vector<std::string>{}; // PEFT writes null for "none"
    }
    facts.bias = cj::optString(config, "bias");
    facts.loraDropout = cj::optNumber(config, "lora_dropout");
    if (auto it = config.find("init_lora_weights"); it != config.end()) {
        if (it->is_boolean()) {
            facts.initLoraWeights = it->get<bool>() ? "true" : "false";
        } else if (it->is_string()) {
            facts.initLoraWeights = it->get<std::string>();
        }
    }
    facts.rankPattern = cj::numberMap(config, "rank_pattern");
    facts.alphaPattern = cj::numberMap(config, "alpha_pattern");
    return facts;
}

AdapterFacts AdapterFacts::read(const std::string& adapterDirectory)
{
    const fs::path dir(adapterDirectory);
    std::vector<std::string> notes;
    AdapterFacts facts;
    if (auto config = cj::readFile((dir / "adapter_config.json").string(), "adapter_config.json", notes)) {
        facts = fromConfig(*config);
    } else if (notes.empty()) {
        notes.push_back("adapter_config.json: not found in the adapter directory");
    }
    facts.notes.insert(facts.notes.begin(), notes.begin(), notes.end());
    std::error_code ec;
    for (const char* name : {"adapter_model.safetensors", "adapter_model.bin"}) {
        if (fs::is_regular_file(dir / name, ec)) {
            facts.weightFiles.emplace_back(name);
        }
    }
    return facts;
}

nlohmann::json AdapterFacts::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    j["config_found"] = configFound;
    cj::put(j, "peft_type", peftType);
    cj::put(j, "task_type", taskType);
    cj::put(j, "base_model_name_or_path", baseModelNameOrPath);
    cj::put(j, "revision", revision);
    cj::put(j, "r", r);
    cj::put(j, "lora_alpha", loraAlpha);
    cj::put(j, "use_rslora", useRslora);
    cj::put(j, "use_dora", useDora);
    cj::put(j, "target_modules", targetModules);
    cj::put(j, "target_modules_pattern", targetModulesPattern);
    cj::put(j, "modules_to_save", modulesToSave);
    cj::put(j, "bias", bias);
    cj::put(j, "lora_dropout", loraDropout);
    cj::put(j, "init_lora_weights", initLoraWeights);
    j["rank_pattern"] = rankPattern;
    j["alpha_pattern"] = alphaPattern;
    j["weight_files"] = weightFiles;
    j["notes"] = notes;
    return j;
}

AdapterFacts AdapterFacts::fromJson(const nlohmann::json& j)
{
    AdapterFacts facts;
    facts.configFound = cj::optBool(j, "config_found").value_or(false);
    facts.peftType = cj::optString(j, "peft_type");
    facts.taskType = cj::optString(j, "task_type");
    facts.baseModelNameOrPath = cj::optString(j, "base_model_name_or_path");
    facts.revision = cj::optString(j, "revision");
    facts.r = cj::optInteger(j, "r");
    facts.loraAlpha = cj::optNumber(j, "lora_alpha");
    facts.useRslora = cj::optBool(j, "use_rslora");
    facts.useDora = cj::optBool(j, "use_dora");
    if (j.is_object() && j.contains("target_modules") && j["target_modules"].is_array()) {
        facts.targetModules = cj::stringList(j, "target_modules");
    }
    facts.targetModulesPattern = cj::optString(j, "target_modules_pattern");
    facts.modulesToSave = cj::optStringList(j, "modules_to_save");
    facts.bias = cj::optString(j, "bias");
    facts.loraDropout = cj::optNumber(j, "lora_dropout");
    facts.initLoraWeights = cj::optString(j, "init_lora_weights");
    facts.rankPattern = cj::numberMap(j, "rank_pattern");
    facts.alphaPattern = cj::numberMap(j, "alpha_pattern");
    facts.weightFiles = cj::stringList(j, "weight_files");
    facts.notes = cj::stringList(j, "notes");
    return facts;
}

} // namespace deepext
