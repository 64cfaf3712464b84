#include "deepext/base/Records.h"

#include <QDateTime>

#include <array>
#include <utility>

namespace deepext {
namespace {

// Tolerant reads: a registry edited by hand or written by an older version may lack fields.
template <typename T>
void readField(const nlohmann::json& j, const char* key, T& out)
{
    if (auto it = j.find(key); it != j.end() && !it->is_null()) {
        try {
            out = it->get<T>();
        } catch (const nlohmann::json::exception&) {
        }
    }
}

constexpr std::array<std::pair<DeploymentStatus, std::string_view>, 6> kStatusNames{{
    {DeploymentStatus::Deploying, "deploying"},
    {DeploymentStatus::Deployed, "deployed"},
    {DeploymentStatus::Failed, "failed"},
    {DeploymentStatus::Cancelled, "cancelled"},
    {DeploymentStatus::Removed, "removed"},
    {DeploymentStatus::Interrupted, "interrupted"},
}};

} // namespace

std::string_view deploymentStatusName(DeploymentStatus status)
{
    for (const auto& [value, name] : kStatusNames) {
        if (value == status) {
            return name;
        }
    }
    return "unknown";
}

std::optional<DeploymentStatus> deploymentStatusFromName(std::string_view name)
{
    for (const auto& [value, text] : kStatusNames) {
        if (text == name) {
            return value;
        }
    }
    return std::nullopt;
}

std::string isoNowUtc()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}

void to_json(nlohmann::json& j, const BaseModelRecord& r)
{
    j = {{"technical_name", r.technicalName},
         {"model_name", r.modelName},
         {"path", r.path},
         {"template", r.templateText},
         {"template_source", r.templateSource},
         {"added_at", r.addedAt},
         {"facts", r.facts}};
}

void from_json(const nlohmann::json& j, BaseModelRecord& r)
{
    readField(j, "technical_name", r.technicalName);
    readField(j, "model_name", r.modelName);
    readField(j, "path", r.path);
    readField(j, "template", r.templateText);
    readField(j, "template_source", r.templateSource);
    readField(j, "added_at", r.addedAt);
    if (auto it = j.find("facts"); it != j.end() && it->is_object()) {
        r.facts = *it;
    }
}

void to_json(nlohmann::json& j, const TrainedModelRecord& r)
{
    j = {{"name", r.name},
         {"train_name", r.trainName},
         {"base", r.baseTechnicalName},
         {"path", r.adapterPath},
         {"uuid", r.uuid},
         {"created_at", r.createdAt},
         {"facts", r.facts}};
}

void from_json(const nlohmann::json& j, TrainedModelRecord& r)
{
    readField(j, "name", r.name);
    readField(j, "train_name", r.trainName);
    readField(j, "base", r.baseTechnicalName);
    readField(j, "path", r.adapterPath);
    readField(j, "uuid", r.uuid);
    readField(j, "created_at", r.createdAt);
    if (auto it = j.find("facts"); it != j.end() && it->is_object()) {
        r.facts = *it;
    }
}

void to_json(nlohmann::json& j, const EnvironmentRecord& r)
{
    j = {{"name", r.name}, {"url", r.url}};
    if (!r.caFile.empty()) {
        j["ca_file"] = r.caFile;
    }
}

void from_json(const nlohmann::json& j, EnvironmentRecord& r)
{
    readField(j, "name", r.name);
    readField(j, "url", r.url);
    readField(j, "ca_file", r.caFile);
}

void to_json(nlohmann::json& j, const DeploymentRecord& r)
{
    j = {{"uuid", r.uuid},
         {"ollama_name", r.ollamaName},
         {"saved_model", r.savedModel},
         {"environment", r.environment},
         {"url", r.url},
         {"quantization", r.quantization},
         {"status", std::string(deploymentStatusName(r.status))},
         {"message", r.message},
         {"model_digest", r.modelDigest},
         {"started_at", r.startedAt},
         {"ended_at", r.endedAt},
         {"pid", r.pid},
         {"present_on_server", r.presentOnServer},
         {"refreshed_at", r.refreshedAt},
         {"replaced_existing", r.replacedExisting},
         {"check", r.check},
         {"check_message", r.checkMessage}};
    if (!r.format.empty()) {
        j["format"] = r.format; // records written before the format was chosen have none
    }
}

void from_json(const nlohmann::json& j, DeploymentRecord& r)
{
    readField(j, "uuid", r.uuid);
    readField(j, "ollama_name", r.ollamaName);
    readField(j, "saved_model", r.savedModel);
    readField(j, "environment", r.environment);
    readField(j, "url", r.url);
    readField(j, "quantization", r.quantization);
    std::string status;
    readField(j, "status", status);
    // A status this version does not know (a newer writer, a hand edit) reads as failed: nothing is running.
    r.status = deploymentStatusFromName(status).value_or(DeploymentStatus::Failed);
    readField(j, "message", r.message);
    readField(j, "model_digest", r.modelDigest);
    readField(j, "started_at", r.startedAt);
    readField(j, "ended_at", r.endedAt);
    readField(j, "pid", r.pid);
    readField(j, "present_on_server", r.presentOnServer);
    readField(j, "refreshed_at", r.refreshedAt);
    readField(j, "check", r.check);
    readField(j, "check_message", r.checkMessage);
    readField(j, "format", r.format);
    readField(j, "replaced_existing", r.replacedExisting);
}

} // namespace deepext
