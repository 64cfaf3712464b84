#include "deepext/workflow/ModelRegistration.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Naming.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/BaseModelFacts.h"
#include "deepext/merge/AdapterConfig.h"
#include "deepext/merge/ModelCheckpoint.h"

#include <QString>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {
namespace {

std::string absoluteDirectory(const std::string& directory, const std::string& what)
{
    std::error_code ec;
    if (!fs::exists(directory, ec)) {
        throw Error("the " + what + " folder " + directory + " does not exist");
    }
    if (!fs::is_directory(directory, ec)) {
        throw Error(directory + " is not a folder; give the " + what + " folder");
    }
    return fs::weakly_canonical(fs::absolute(directory)).string();
}

// Letters and digits only, lowercased: "Llama-3.2-1B" and "llama3.2_1b" compare equal.
std::string squash(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
    }
    return out;
}

} // namespace

ModelRegistration::ModelRegistration(const Workspace& workspace)
    : m_workspace(workspace)
{
}

nlohmann::json ModelRegistration::inspectBaseModel(const std::string& directory)
{
    const std::string dir = absoluteDirectory(directory, "base model");
    const std::string configPath = dir + "/config.json";
    if (!fs::exists(configPath)) {
        throw Error(dir + " is not a Hugging Face model folder: it has no config.json");
    }
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(readWholeFile(configPath));
    } catch (const nlohmann::json::exception& e) {
        throw Error(configPath + " is not valid JSON: " + e.what());
    }
    if (!config.is_object()) {
        throw Error(configPath + " is not a JSON object, so " + dir + " is not a Hugging Face model folder");
    }
    // Refuses folders without readable safetensors weights (the facts reader below only notes such gaps).
    (void)ModelCheckpoint::scan(dir);
    nlohmann::json facts = BaseModelFacts::read(dir).toJson();
    for (const char* key : {"technical_name", "display_name", "directory"}) {
        facts.erase(key);
    }
    if (auto it = facts.find("architectures"); it != facts.end() && it->is_array() && !it->empty()) {
        facts["architecture"] = (*it)[0];
    }
    if (auto it = facts.find("weights_dtype"); it != facts.end()) {
        facts["dtype"] = *it;
    }
    if (auto it = config.find("_name_or_path"); it != config.end() && it->is_string()) {
        facts["name_or_path"] = *it;
    }
    return facts;
}

std::string ModelRegistration::readTemplateFile(const std::string& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        throw Error("the Deployment Template File " + path + " does not exist or is not a file");
    }
    if (fs::file_size(path, ec) > 1024 * 1024) {
        throw Error("the Deployment Template File " + path + " is larger than 1 MiB; is it the right file?");
    }
    std::string text = readWholeFile(path);
    const QString decoded = QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    if (decoded.toUtf8().toStdString() != text || text.find('\0') != std::string::npos) {
        throw Error("the Deployment Template File " + path + " is not UTF-8 text");
    }
    if (decoded.trimmed().isEmpty()) {
        throw Error("the Deployment Template File " + path + " is empty");
    }
    return text;
}

BaseModelRecord ModelRegistration::addBaseModel(const std::string& directory, const std::string& technicalName,
                                                const std::string& modelName, const std::string& templateFile) const
{
    m_warnings.clear();
    if (const std::string problem = naming::checkTechnicalName(technicalName); !problem.empty()) {
        throw Error::usage(problem);
    }
    BaseModelRecord record;
    record.technicalName = technicalName;
    record.path = absoluteDirectory(directory, "base model");
    record.facts = inspectBaseModel(record.path);
    record.modelName = modelName.empty() ? fs::path(record.path).filename().string() : modelName;
    if (!templateFile.empty()) {
        record.templateText = readTemplateFile(templateFile);
        record.templateSource = fs::absolute(templateFile).lexically_normal().string();
    }
    record.addedAt = isoNowUtc();
    m_workspace.addBaseModel(record);
    return record;
}

void ModelRegistration::setBaseTemplate(const std::string& technicalName, const std::string& templateFile) const
{
    m_warnings.clear();
    const std::string text = readTemplateFile(templateFile);
    m_workspace.setBaseTemplate(technicalName, text, fs::absolute(templateFile).lexically_normal().string());
}

TrainedModelRecord ModelRegistration::addTrainedModel(const std::string& directory,
                                                      const std::string& baseTechnicalName,
                                                      const std::string& trainName) const
{
    m_warnings.clear();
    if (const std::string problem = naming::checkTechnicalName(trainName, "train name"); !problem.empty()) {
        throw Error::usage(problem);
    }
    const auto base = m_workspace.findBaseModel(baseTechnicalName);
    if (!base) {
        throw Error("no base model named '" + baseTechnicalName +
                    "' is registered; add it with 'deepext-cli base add DIR --name " + baseTechnicalName + "'");
    }
    const std::string dir = absoluteDirectory(directory, "adapter");
    const std::string configPath = dir + "/adapter_config.json";
    if (!fs::exists(configPath)) {
        throw Error(dir + " is not a PEFT adapter folder: it has no adapter_config.json");
    }
    const AdapterConfig config = AdapterConfig::fromFile(configPath);
    if (!fs::exists(dir + "/adapter_model.safetensors")) {
        if (fs::exists(dir + "/adapter_model.bin")) {
            throw Error(dir + " has only adapter_model.bin; safetensors is required. Convert it in Python with "
                              "PeftModel.from_pretrained(...).save_pretrained(dir, safe_serialization=True)");
        }
        throw Error(dir + " has no adapter_model.safetensors");
    }

    TrainedModelRecord record;
    record.trainName = trainName;
    record.baseTechnicalName = baseTechnicalName;
    record.adapterPath = dir;
    record.createdAt = isoNowUtc();
    record.facts = {{"peft_type", config.peftType},   {"r", config.r},
                    {"lora_alpha", config.loraAlpha}, {"use_rslora", config.useRslora},
                    {"use_dora", config.useDora},     {"base_model_name_or_path", config.baseModelNameOrPath}};
    if (!config.taskType.empty()) {
        record.facts["task_type"] = config.taskType;
    }

    // Warn (not refuse) when the adapter says it was trained on something that does not look like this base.
    const std::string claimed = config.baseModelNameOrPath;
    if (!claimed.empty()) {
        const std::string claimedLeaf = squash(fs::path(claimed).filename().string());
        std::vector<std::string> candidates{squash(base->technicalName), squash(base->modelName),
                                            squash(fs::path(base->path).filename().string())};
        if (auto it = base->facts.find("name_or_path"); it != base->facts.end() && it->is_string()) {
            candidates.push_back(squash(fs::path(it->get<std::string>()).filename().string()));
        }
        const bool looksRight =
            !claimedLeaf.empty() && std::any_of(candidates.begin(), candidates.end(), [&](const auto& c) {
                return !c.empty() &&
                       (c.find(claimedLeaf) != std::string::npos || claimedLeaf.find(c) != std::string::npos);
            });
        if (!looksRight) {
            m_warnings.push_back("the adapter was trained on '" + claimed +
                                 "', which does not look like the base model '" + base->technicalName + "' (" +
                                 base->path + "); check that you chose the right base");
        }
    }
    return m_workspace.addTrainedModel(record, naming::localDateStamp());
}

} // namespace deepext
