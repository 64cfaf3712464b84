#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// LLaMA-Factory's record of a run: training_args.yaml (or training_args.json, same keys). Only what it states;
// a predict/eval run's args (do_predict) are reported as such, not as training.
struct TrainingArgsFacts
{
    std::string source;                    // the file name it came from
    std::vector<std::string> datasets;     // "dataset", split on commas
    std::vector<std::string> evalDatasets; // "eval_dataset"
    std::vector<std::string> modes;        // "train", "eval", "predict" for each do_* that is true
    std::optional<std::string> stage;      // sft, pt, rm, ppo, dpo, kto, orpo
    std::optional<std::string> finetuningType;
    std::optional<std::string> templateName;
    std::optional<std::string> modelNameOrPath;
    std::optional<std::string> adapterNameOrPath;
    std::optional<double> learningRate;
    std::optional<std::string> lrSchedulerType;
    std::optional<double> numTrainEpochs;
    std::optional<std::int64_t> maxSteps; // only when positive (-1 means "use epochs")
    std::optional<std::int64_t> perDeviceTrainBatchSize;
    std::optional<std::int64_t> gradientAccumulationSteps;
    std::optional<std::int64_t> cutoffLen;
    std::optional<std::int64_t> loraRank;
    std::optional<double> loraAlpha;
    std::optional<std::string> loraTarget;

    // Never throw; problems become notes ("training_args.yaml: not valid YAML at line 3, column 1: ...").
    static std::optional<TrainingArgsFacts> parseYaml(const std::string& text, const std::string& label,
                                                      std::vector<std::string>& notes);
    static std::optional<TrainingArgsFacts> parseJson(const nlohmann::json& args, const std::string& label,
                                                      std::vector<std::string>& notes);

    nlohmann::json toJson() const;
    static TrainingArgsFacts fromJson(const nlohmann::json& json);

private:
    // key -> scalar texts (a scalar is a one-element list): YAML and JSON both reduce to this.
    using Values = std::map<std::string, std::vector<std::string>>;
    static TrainingArgsFacts fromValues(const Values& values, const std::string& label);
};

} // namespace deepext
