#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deepext {

// adapter_config.json of a PEFT LoRA adapter (tuners/lora/config.py; docs/peft-notes.md). Parsing refuses, by name,
// everything that is not a plain LoRA we can merge: other peft types (IA3, AdaLoRA, prompt tuning, ...), and LoRA
// features PEFT itself cannot merge or we do not support (layer_replication, aLoRA, QALoRA, target_parameters,
// unconverted PiSSA/OLoRA/CorDA, ...). Unknown keys are ignored, as PEFT does. Every error names the file.
struct AdapterConfig
{
    std::string path; // the file it came from (or the label given to fromJson)

    std::string peftType; // "LORA" after a successful parse
    std::string taskType; // empty when null
    int r = 8;
    double loraAlpha = 8;
    bool useRslora = false;
    bool useDora = false;
    bool fanInFanOut = false;
    std::string bias = "none"; // "none", "all", "lora_only"
    bool loraBias = false;

    // target_modules: a list, or one regex string (re.fullmatch), or null (per-model default table).
    std::vector<std::string> targetModules;
    std::string targetModulesRegex;
    bool targetModulesIsRegex = false;
    std::vector<std::string> excludeModules;
    std::string excludeModulesRegex;
    bool excludeModulesIsRegex = false;

    std::vector<std::string> modulesToSave;
    // In JSON order: the first matching pattern wins (PEFT >= 0.15 get_pattern_key).
    std::vector<std::pair<std::string, int>> rankPattern;
    std::vector<std::pair<std::string, double>> alphaPattern;
    // trainable_token_indices: a list applies to the input embedding (key ""), a dict names modules.
    std::map<std::string, std::vector<std::int64_t>> trainableTokenIndices;

    std::vector<int> layersToTransform;
    std::vector<std::string> layersPattern;

    std::string baseModelNameOrPath; // empty when null
    std::string revision;
    std::string initLoraWeights = "true"; // "true", "false", "gaussian", "pissa", ... as written
    bool layerReplication = false;        // only ever true in a refused config; kept for callers' diagnostics
    std::string peftVersion;              // peft_version when the file has it (>= 0.18)

    std::vector<std::string> warnings; // things that merge but deserve a note (e.g. LoftQ base assumption)

    static AdapterConfig fromFile(const std::string& path);
    // `path` is only used in messages.
    static AdapterConfig fromJson(const std::string& text, const std::string& path);

    // The rank and alpha PEFT uses for a module (its name inside the transformers model, e.g.
    // "model.layers.0.self_attn.q_proj"): rank_pattern/alpha_pattern by the PEFT >= 0.15 rule, else r/lora_alpha.
    int rankFor(const std::string& module) const;
    double alphaFor(const std::string& module) const;
    // alpha / r, or alpha / sqrt(r) with rsLoRA, in double (PEFT computes it as a Python float).
    double scalingFor(const std::string& module, int rank) const;
    // Human name of a peft_type value ("IA3", "AdaLoRA", "prompt tuning", ...).
    static std::string peftTypeDisplayName(const std::string& peftType);
};

// The first pattern, in order, for which re.match(r"(.*\.)?(" + pattern + r")$", module) succeeds; nullopt if none.
// Throws deepext::Error naming the pattern when it is not a valid regular expression.
std::optional<std::size_t> matchPatternKey(const std::vector<std::string>& patterns, const std::string& module);

} // namespace deepext
