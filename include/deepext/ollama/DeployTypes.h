#pragma once

#include "deepext/base/ManifestEntry.h"

#include <QMetaType>
#include <QString>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext::ollama {

// How the weights go to Ollama: the model's safetensors (Ollama converts them) or one GGUF file we write. Auto picks
// safetensors where the server's converter takes the architecture, GGUF otherwise (DeployFormatChooser).
enum class DeployFormat
{
    Auto,
    Safetensors,
    Gguf,
};

// Everything a deploy needs; nothing is read from the workspace here.
struct DeployRequest
{
    QString serverUrl;                // http(s)://host:port[/path] of the deployment environment
    QString caFile;                   // optional PEM/DER file of extra CA certificates for https
    QString modelDirectory;           // the saved model's directory
    std::vector<ManifestEntry> files; // the model card's manifest; its digests are used as they are (never re-hashed)
    std::string ollamaName;
    std::string quantize = "no_quantization"; // no_quantization | q8_0 | q4_K_M | q4_K_S
    std::optional<std::string> templateText;
    std::optional<std::string> system;
    nlohmann::json parameters = nlohmann::json::object(); // typed (docs/ollama-notes.md, "Parameter types")
    std::vector<std::string> license;
    nlohmann::json messages = nlohmann::json::array(); // [{"role","content"}]
    bool autodetectTemplate = false; // allow deploying without a template (Ollama detects one, or uses its default)
    std::string architecture;        // config.json architectures[0]
    DeployFormat format = DeployFormat::Auto;
    // The architectures the GGUF export can write (config.json names); the gguf layer knows them, the caller passes
    // them in. Empty: GGUF is not an option.
    std::vector<std::string> ggufArchitectures;
    // The name against what exists (DeployPreflight::checkCollision): a typed name that the server already has is
    // replaced only when replaceExisting; a generated one (generatedFrom: the saved model it was made from) gets
    // a fresh deploy suffix instead, also when one of recordedNames (our records for this server) has it.
    bool replaceExisting = false;
    std::string generatedFrom;
    std::vector<std::string> recordedNames;
    std::vector<std::string> busyNames; // names a deploy to this server is creating right now: never reused
};

struct DeployOutcome
{
    enum class Status
    {
        Deployed,
        Failed,
        Cancelled,
    };

    Status status = Status::Failed;
    // Deployed: a summary. Failed: what went wrong; when Ollama refused the create, its exact text.
    std::string message;
    // Failed: context for message (which server, which step) when message is the server's own text.
    std::string details;
    std::string modelName;         // the Ollama name as sent (a generated one redrawn on a collision)
    bool replacedExisting = false; // the server had a model of that name, replaced as asked
    std::string modelDigest;       // from /api/tags: 64 hex characters, empty when it could not be read
    std::string serverVersion;     // from /api/version
    std::string format;            // "safetensors" or "gguf" once decided, else empty
    std::uint64_t bytesUploaded = 0;
    int blobsUploaded = 0;
    int blobsSkipped = 0; // already on the server
    std::vector<std::string> warnings;
};

} // namespace deepext::ollama

Q_DECLARE_METATYPE(deepext::ollama::DeployOutcome)
