#include "deepext/card/TrainingArgsFacts.h"

#include "CardJson.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>

namespace deepext {

namespace cj = cardjson;

namespace {

using Values = std::map<std::string, std::vector<std::string>>;

const std::string* scalarOf(const Values& values, const char* key)
{
    auto it = values.find(key);
    if (it == values.end() || it->second.size() != 1 || it->second.front().empty()) {
        return nullptr;
    }
    return &it->second.front();
}

std::optional<std::string> text(const Values& values, const char* key)
{
    const std::string* value = scalarOf(values, key);
    if (!value || *value == "null" || *value == "~") {
        return std::nullopt;
    }
    return *value;
}

std::optional<double> number(const Values& values, const char* key)
{
    const std::string* value = scalarOf(values, key);
    if (!value) {
        return std::nullopt;
    }
    char* end = nullptr;
    const double parsed = std::strtod(value->c_str(), &end);
    if (end != value->c_str() + value->size() || !std::isfinite(parsed)) {
        return std::nullopt;
    }
    return parsed;
}

std::optional<std::int64_t> integer(const Values& values, const char* key)
{
    auto parsed = number(values, key);
    if (!parsed || *parsed != std::floor(*parsed) || std::fabs(*parsed) > 9.0e15) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(*parsed);
}

bool isTrue(const Values& values, const char* key)
{
    auto value = text(values, key);
    return value && (*value == "true" || *value == "True" || *value == "1");
}

// "alpaca_en,identity" or a list: LLaMA-Factory accepts both.
std::vector<std::string> names(const Values& values, const char* key)
{
    std::vector<std::string> out;
    auto it = values.find(key);
    if (it == values.end()) {
        return out;
    }
    for (const std::string& item : it->second) {
        std::size_t start = 0;
        while (start <= item.size()) {
            std::size_t comma = item.find(',', start);
            std::string name = item.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            const auto first = name.find_first_not_of(" \t");
            const auto lastChar = name.find_last_not_of(" \t");
            if (first != std::string::npos) {
                name = name.substr(first, lastChar - first + 1);
                if (name != "null") {
                    out.push_back(name);
                }
            }
            if (comma == std::string::npos) {
                break;
            }
            start = comma + 1;
        }
    }
    return out;
}

} // namespace

TrainingArgsFacts TrainingArgsFacts::fromValues(const Values& values, const std::string& label)
{
    TrainingArgsFacts facts;
    facts.source = label;
    facts.datasets = names(values, "dataset");
    facts.evalDatasets = names(values, "eval_dataset");
    if (isTrue(values, "do_train")) {
        facts.modes.emplace_back("train");
    }
    if (isTrue(values, "do_eval")) {
        facts.modes.emplace_back("eval");
    }
    if (isTrue(values, "do_predict")) {
        facts.modes.emplace_back("predict");
    }
    facts.stage = text(values, "stage");
    facts.finetuningType = text(values, "finetuning_type");
    facts.templateName = text(values, "template");
    facts.modelNameOrPath = text(values, "model_name_or_path");
    facts.adapterNameOrPath = text(values, "adapter_name_or_path");
    facts.learningRate = number(values, "learning_rate");
    facts.lrSchedulerType = text(values, "lr_scheduler_type");
    facts.numTrainEpochs = number(values, "num_train_epochs");
    facts.maxSteps = integer(values, "max_steps");
    if (facts.maxSteps && *facts.maxSteps <= 0) {
        facts.maxSteps.reset();
    }
    facts.perDeviceTrainBatchSize = integer(values, "per_device_train_batch_size");
    facts.gradientAccumulationSteps = integer(values, "gradient_accumulation_steps");
    facts.cutoffLen = integer(values, "cutoff_len");
    facts.loraRank = integer(values, "lora_rank");
    facts.loraAlpha = number(values, "lora_alpha");
    facts.loraTarget = text(values, "lora_target");
    return facts;
}

std::optional<TrainingArgsFacts> TrainingArgsFacts::parseYaml(const std::string& yamlText, const std::string& label,
                                                              std::vector<std::string>& notes)
{
    try {
        const YAML::Node root = YAML::Load(yamlText);
        if (!root.IsMap()) {
            notes.push_back(label + ": not a YAML mapping");
            return std::nullopt;
        }
        Values values;
        for (const auto& item : root) {
            if (!item.first.IsScalar()) {
                continue;
            }
            std::vector<std::string>& list = values[item.first.Scalar()];
            if (item.second.IsScalar()) {
                list.push_back(item.second.Scalar());
            } else if (item.second.IsSequence()) {
                for (const YAML::Node& element : item.second) {
                    if (element.IsScalar()) {
                        list.push_back(element.Scalar());
                    }
                }
            }
        }
        return fromValues(values, label);
    } catch (const YAML::Exception& e) {
        notes.push_back(e.mark.is_null() ? label + ": not valid YAML: " + e.msg
                                         : label + ": not valid YAML at line " + std::to_string(e.mark.line + 1) +
                                               ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
    } catch (const std::exception& e) {
        notes.push_back(label + ": not readable as YAML (" + e.what() + ")");
    }
    return std::nullopt;
}

std::optional<TrainingArgsFacts> TrainingArgsFacts::parseJson(const nlohmann::json& args, const std::string& label,
                                                              std::vector<std::string>& notes)
{
    if (!args.is_object()) {
        notes.push_back(label + ": not a JSON object");
        return std::nullopt;
    }
    auto scalarText = [](const nlohmann::json& value) -> std::optional<std::string> {
        if (value.is_string()) {
            return value.get<std::string>();
        }
        if (value.is_boolean()) {
            return std::string(value.get<bool>() ? "true" : "false");
        }
        if (value.is_number()) {
            return value.dump();
        }
        return std::nullopt;
    };
    Values values;
    for (auto it = args.begin(); it != args.end(); ++it) {
        std::vector<std::string>& list = values[it.key()];
        if (it.value().is_array()) {
            for (const nlohmann::json& element : it.value()) {
                if (auto s = scalarText(element)) {
                    list.push_back(*s);
                }
            }
        } else if (auto s = scalarText(it.value())) {
            list.push_back(*s);
        }
    }
    return fromValues(values, label);
}

nlohmann::json TrainingArgsFacts::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    j["source"] = source;
    j["datasets"] = datasets;
    j["eval_datasets"] = evalDatasets;
    j["modes"] = modes;
    cj::put(j, "stage", stage);
    cj::put(j, "finetuning_type", finetuningType);
    cj::put(j, "template", templateName);
    cj::put(j, "model_name_or_path", modelNameOrPath);
    cj::put(j, "adapter_name_or_path", adapterNameOrPath);
    cj::put(j, "learning_rate", learningRate);
    cj::put(j, "lr_scheduler_type", lrSchedulerType);
    cj::put(j, "num_train_epochs", numTrainEpochs);
    cj::put(j, "max_steps", maxSteps);
    cj::put(j, "per_device_train_batch_size", perDeviceTrainBatchSize);
    cj::put(j, "gradient_accumulation_steps", gradientAccumulationSteps);
    cj::put(j, "cutoff_len", cutoffLen);
    cj::put(j, "lora_rank", loraRank);
    cj::put(j, "lora_alpha", loraAlpha);
    cj::put(j, "lora_target", loraTarget);
    return j;
}

TrainingArgsFacts TrainingArgsFacts::fromJson(const nlohmann::json& j)
{
    TrainingArgsFacts facts;
    facts.source = cj::optString(j, "source").value_or("");
    facts.datasets = cj::stringList(j, "datasets");
    facts.evalDatasets = cj::stringList(j, "eval_datasets");
    facts.modes = cj::stringList(j, "modes");
    facts.stage = cj::optString(j, "stage");
    facts.finetuningType = cj::optString(j, "finetuning_type");
    facts.templateName = cj::optString(j, "template");
    facts.modelNameOrPath = cj::optString(j, "model_name_or_path");
    facts.adapterNameOrPath = cj::optString(j, "adapter_name_or_path");
    facts.learningRate = cj::optNumber(j, "learning_rate");
    facts.lrSchedulerType = cj::optString(j, "lr_scheduler_type");
    facts.numTrainEpochs = cj::optNumber(j, "num_train_epochs");
    facts.maxSteps = cj::optInteger(j, "max_steps");
    facts.perDeviceTrainBatchSize = cj::optInteger(j, "per_device_train_batch_size");
    facts.gradientAccumulationSteps = cj::optInteger(j, "gradient_accumulation_steps");
    facts.cutoffLen = cj::optInteger(j, "cutoff_len");
    facts.loraRank = cj::optInteger(j, "lora_rank");
    facts.loraAlpha = cj::optNumber(j, "lora_alpha");
    facts.loraTarget = cj::optString(j, "lora_target");
    return facts;
}

} // namespace deepext
