#include "deepext/card/ModelCard.h"

#include "CardJson.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/card/ModelCardRenderer.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#ifndef DEEPEXT_VERSION
#define DEEPEXT_VERSION "unknown"
#endif

namespace deepext {

namespace cj = cardjson;

namespace {

bool isCardFile(const std::string& path)
{
    return path == "model_card.json" || path == "README.md";
}

// "1.2" -> {1, 2}; nullopt when it is not that shape.
std::optional<std::pair<int, int>> parseVersion(const std::string& text)
{
    const auto dot = text.find('.');
    const std::string majorText = text.substr(0, dot);
    const std::string minorText = dot == std::string::npos ? "0" : text.substr(dot + 1);
    auto digitsOnly = [](const std::string& s) {
        return !s.empty() && s.size() < 9 && s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digitsOnly(majorText) || !digitsOnly(minorText)) {
        return std::nullopt;
    }
    return std::make_pair(std::atoi(majorText.c_str()), std::atoi(minorText.c_str()));
}

template <typename Fn>
void guarded(std::vector<std::string>& notes, const char* what, Fn&& fn)
{
    try {
        fn();
    } catch (const Error& e) {
        notes.push_back(std::string(what) + ": " + e.message());
    } catch (const std::exception& e) {
        notes.push_back(std::string(what) + ": " + e.what());
    }
}

} // namespace

std::string ModelCard::currentSchemaVersion()
{
    return std::to_string(kSchemaMajor) + "." + std::to_string(kSchemaMinor);
}

TrainedModelFacts TrainedModelFacts::read(const TrainedModelRecord& record)
{
    TrainedModelFacts facts;
    facts.name = record.name;
    facts.trainName = record.trainName;
    facts.adapterDirectory = record.adapterPath;
    facts.adapter = AdapterFacts::read(record.adapterPath);
    facts.training = TrainingFacts::read(record.adapterPath);
    return facts;
}

ModelCard ModelCard::build(const CardInputs& inputs)
{
    ModelCard card;
    card.schemaVersion = currentSchemaVersion();
    card.name = inputs.savedName;
    card.uuid = inputs.savingUuid;
    card.createdAt = inputs.createdAt;
    card.appVersion = DEEPEXT_VERSION;

    guarded(card.notes, "base model", [&] { card.base = BaseModelFacts::read(inputs.baseDirectory); });
    card.base.technicalName = inputs.baseTechnicalName;
    card.base.displayName = inputs.baseDisplayName;
    card.base.directory = inputs.baseDirectory;

    card.trained.name = inputs.trainedName;
    card.trained.trainName = inputs.trainName;
    card.trained.adapterDirectory = inputs.adapterDirectory;
    guarded(card.notes, "adapter", [&] { card.trained.adapter = AdapterFacts::read(inputs.adapterDirectory); });
    guarded(card.notes, "training", [&] { card.trained.training = TrainingFacts::read(inputs.adapterDirectory); });

    card.merge = MergeFacts::fromResult(inputs.merge, card.appVersion);
    std::uint64_t total = 0;
    for (const ManifestEntry& entry : inputs.merge.files) {
        if (!isCardFile(entry.path)) {
            card.files.push_back(entry);
            total += entry.size;
        }
    }
    std::sort(card.files.begin(), card.files.end(),
              [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
    card.totalSize = total;
    if (const auto snapshot = std::find_if(
            card.files.begin(), card.files.end(),
            [](const ManifestEntry& entry) { return entry.path == DeploymentTemplateSnapshot::kFileName; });
        snapshot != card.files.end()) {
        card.deploymentTemplate = DeploymentTemplateSnapshot{snapshot->path, snapshot->sha256, snapshot->size,
                                                             inputs.baseTechnicalName, inputs.baseTemplateSource};
    }
    if (!ModelCardRenderer::hubBaseModel(card)) {
        card.notes.push_back("README.md front matter: no Hugging Face Hub id is known for the base model, so "
                             "base_model names the local base \"" +
                             card.base.technicalName + "\"");
    }
    return card;
}

nlohmann::json ModelCard::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    j["schema"] = "deepext.model_card";
    j["schema_version"] = currentSchemaVersion();
    j["name"] = name;
    j["uuid"] = uuid;
    j["created_at"] = createdAt;
    j["app_version"] = appVersion;
    j["base_model"] = base.toJson();
    nlohmann::json trainedJson = nlohmann::json::object();
    trainedJson["name"] = trained.name;
    trainedJson["train_name"] = trained.trainName;
    trainedJson["adapter_directory"] = trained.adapterDirectory;
    trainedJson["adapter"] = trained.adapter.toJson();
    trainedJson["training"] = trained.training.toJson();
    j["trained_model"] = std::move(trainedJson);
    j["merge"] = merge.toJson();
    nlohmann::json filesJson = nlohmann::json::array();
    for (const ManifestEntry& entry : files) {
        filesJson.push_back({{"path", entry.path}, {"size", entry.size}, {"sha256", entry.sha256}});
    }
    j["files"] = std::move(filesJson);
    cj::put(j, "total_size", totalSize);
    if (!ggufExports.empty()) {
        nlohmann::json exportsJson = nlohmann::json::array();
        for (const GgufExportRecord& e : ggufExports) {
            exportsJson.push_back({{"type", e.type},
                                   {"path", e.path},
                                   {"size", e.size},
                                   {"sha256", e.sha256},
                                   {"exported_at", e.exportedAt}});
        }
        j["gguf_exports"] = std::move(exportsJson);
    }
    j["notes"] = notes;
    if (deploymentTemplate) {
        j["deployment_template"] = {{"file", deploymentTemplate->file},
                                    {"sha256", deploymentTemplate->sha256},
                                    {"size", deploymentTemplate->size},
                                    {"base_model", deploymentTemplate->baseTechnicalName},
                                    {"source_file", deploymentTemplate->sourceFile}};
    }
    if (!evaluations.empty()) {
        j["evaluations"] = evaluations;
    }
    cj::restoreUnknownFields(j, unknownFields);
    return j;
}

ModelCard ModelCard::fromJson(const nlohmann::json& j)
{
    if (!j.is_object()) {
        throw Error("the model card is not a JSON object");
    }
    ModelCard card;
    card.schemaVersion = cj::optString(j, "schema_version").value_or("0.0");
    const auto version = parseVersion(card.schemaVersion);
    if (!version) {
        throw Error("the model card has an unreadable schema_version \"" + card.schemaVersion + "\"");
    }
    if (version->first > kSchemaMajor) {
        throw Error("the model card uses schema version " + card.schemaVersion +
                    ", newer than this DeepExtension understands (" + std::to_string(kSchemaMajor) +
                    ".x): update DeepExtension to read it");
    }
    card.name = cj::optString(j, "name").value_or("");
    card.uuid = cj::optString(j, "uuid").value_or("");
    card.createdAt = cj::optString(j, "created_at").value_or("");
    card.appVersion = cj::optString(j, "app_version").value_or("");
    const nlohmann::json empty = nlohmann::json::object();
    auto section = [&](const nlohmann::json& parent, const char* key) -> const nlohmann::json& {
        auto it = parent.find(key);
        return it != parent.end() && it->is_object() ? *it : empty;
    };
    card.base = BaseModelFacts::fromJson(section(j, "base_model"));
    const nlohmann::json& trainedJson = section(j, "trained_model");
    card.trained.name = cj::optString(trainedJson, "name").value_or("");
    card.trained.trainName = cj::optString(trainedJson, "train_name").value_or("");
    card.trained.adapterDirectory = cj::optString(trainedJson, "adapter_directory").value_or("");
    card.trained.adapter = AdapterFacts::fromJson(section(trainedJson, "adapter"));
    card.trained.training = TrainingFacts::fromJson(section(trainedJson, "training"));
    card.merge = MergeFacts::fromJson(section(j, "merge"));
    if (auto it = j.find("files"); it != j.end() && it->is_array()) {
        for (const nlohmann::json& entry : *it) {
            auto path = cj::optString(entry, "path");
            if (!path) {
                continue;
            }
            card.files.push_back(ManifestEntry{*path, cj::optUnsigned(entry, "size").value_or(0),
                                               cj::optString(entry, "sha256").value_or("")});
        }
    }
    card.totalSize = cj::optUnsigned(j, "total_size");
    if (auto it = j.find("gguf_exports"); it != j.end() && it->is_array()) {
        for (const nlohmann::json& entry : *it) {
            auto path = cj::optString(entry, "path");
            if (!path) {
                continue;
            }
            card.ggufExports.push_back(GgufExportRecord{
                cj::optString(entry, "type").value_or(""), *path, cj::optUnsigned(entry, "size").value_or(0),
                cj::optString(entry, "sha256").value_or(""), cj::optString(entry, "exported_at").value_or("")});
        }
    }
    card.notes = cj::stringList(j, "notes");
    if (auto it = j.find("deployment_template"); it != j.end() && it->is_object()) {
        auto file = cj::optString(*it, "file");
        auto sha256 = cj::optString(*it, "sha256");
        if (file && sha256) {
            card.deploymentTemplate = DeploymentTemplateSnapshot{
                *file, *sha256, cj::optUnsigned(*it, "size").value_or(0), cj::optString(*it, "base_model").value_or(""),
                cj::optString(*it, "source_file").value_or("")};
        }
    }
    if (const auto it = j.find("evaluations"); it != j.end() && it->is_array()) {
        card.evaluations = *it;
    }
    card.unknownFields = cj::unknownFields(j, card.toJson());
    return card;
}

ModelCard ModelCard::load(const std::string& modelDirectory)
{
    const std::string path = (std::filesystem::path(modelDirectory) / "model_card.json").string();
    const std::string text = readWholeFile(path);
    std::vector<std::string> problems;
    auto json = cj::parseText(text, path, problems);
    if (!json) {
        throw Error("cannot read the model card " + path, problems.empty() ? std::string() : problems.front());
    }
    try {
        return fromJson(*json);
    } catch (const Error& e) {
        throw Error(path + ": " + e.message(), e.details());
    }
}

} // namespace deepext
