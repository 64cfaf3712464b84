#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deepext {

// A registered base model: a reference to a user's Hugging Face directory (never copied, never deleted by us).
struct BaseModelRecord
{
    std::string technicalName;
    std::string modelName;                           // display name
    std::string path;                                // absolute
    std::string templateText;                        // the Deployment Template File's content (empty: none)
    std::string templateSource;                      // the file it was read from
    std::string addedAt;                             // ISO 8601 UTC
    nlohmann::json facts = nlohmann::json::object(); // architecture, dtype, parameterCount, diskSize, ...
};

// A registered trained model: a reference to a PEFT LoRA adapter directory, tied to one base model.
struct TrainedModelRecord
{
    std::string name;
    std::string trainName;
    std::string baseTechnicalName;
    std::string adapterPath; // absolute
    std::string uuid;        // the full UUID whose first 4 hex digits are in the name
    std::string createdAt;
    nlohmann::json facts = nlohmann::json::object(); // peft type, r, alpha, targets, base_model_name_or_path
};

// A deployment environment (Deployment Tool Configuration): a named Ollama server.
struct EnvironmentRecord
{
    std::string name;
    std::string url;
    std::string caFile; // optional, for https:// servers with a private CA
};

// Where a deploy stands. Interrupted is derived, never the result of an operation: Workspace reads a Deploying
// record whose deploy lock no living process holds as Interrupted.
enum class DeploymentStatus
{
    Deploying,
    Deployed,
    Failed,
    Cancelled,
    Removed,
    Interrupted,
};

// The one mapping between a status and its name, used on disk (deployments.json), in --json output and on screen:
// deploying, deployed, failed, cancelled, removed, interrupted.
std::string_view deploymentStatusName(DeploymentStatus status);
std::optional<DeploymentStatus> deploymentStatusFromName(std::string_view name);

// A record of one deploy of a saved model into an Ollama server.
struct DeploymentRecord
{
    std::string uuid;
    std::string ollamaName; // the name actually used in Ollama
    std::string savedModel;
    std::string environment; // environment name, or empty when a URL was given directly
    std::string url;
    std::string quantization;
    std::string format; // how the weights went: "safetensors" or "gguf"; empty until the deploy has chosen
    DeploymentStatus status = DeploymentStatus::Deploying;
    std::string message; // the server's exact text on failure
    std::string modelDigest;
    std::string startedAt;
    std::string endedAt;
    std::int64_t pid = 0;
    bool presentOnServer = true; // from the last --refresh
    std::string refreshedAt;
    bool replacedExisting = false; // the server had a model of this name and the user chose to replace it
    // The post-deploy check (deploy --check): "" (not run), "ok", "did_not_stop", "empty" or "error", and its
    // warning or Ollama's text.
    std::string check;
    std::string checkMessage;
};

void to_json(nlohmann::json& j, const BaseModelRecord& r);
void from_json(const nlohmann::json& j, BaseModelRecord& r);
void to_json(nlohmann::json& j, const TrainedModelRecord& r);
void from_json(const nlohmann::json& j, TrainedModelRecord& r);
void to_json(nlohmann::json& j, const EnvironmentRecord& r);
void from_json(const nlohmann::json& j, EnvironmentRecord& r);
void to_json(nlohmann::json& j, const DeploymentRecord& r);
void from_json(const nlohmann::json& j, DeploymentRecord& r);

// Now as ISO 8601 UTC with seconds, e.g. 2026-11-28T10:15:00Z.
std::string isoNowUtc();

} // namespace deepext
