#pragma once

#include "deepext/base/Records.h"
#include "deepext/card/AdapterFacts.h"
#include "deepext/card/BaseModelFacts.h"
#include "deepext/card/MergeFacts.h"
#include "deepext/card/TrainingFacts.h"
#include "deepext/merge/MergeTypes.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// Everything the save operation knows when it writes the card.
struct CardInputs
{
    std::string savedName;
    std::string savingUuid;
    std::string createdAt; // ISO 8601 UTC, e.g. 2025-05-18T09:30:00Z
    std::string baseTechnicalName;
    std::string baseDisplayName;
    std::string baseDirectory;
    std::string trainedName;
    std::string trainName;
    std::string adapterDirectory;
    MergeResult merge;
    // The base model's Deployment Template File as registered when saving (empty: it had none), and its file.
    std::string baseTemplateText;
    std::string baseTemplateSource;
};

// The base's Deployment Template File captured into the saved model's folder at save time, so the model deploys
// the same whatever later happens to the base's registration.
struct DeploymentTemplateSnapshot
{
    static constexpr const char* kFileName = "deployment_template";

    std::string file; // relative to the model folder (kFileName), also listed in the manifest
    std::string sha256;
    std::uint64_t size = 0;
    std::string baseTechnicalName; // the base model it was captured from
    std::string sourceFile;        // the file that base's template was read from when registered
};

struct TrainedModelFacts
{
    std::string name;
    std::string trainName;
    std::string adapterDirectory;
    AdapterFacts adapter;
    TrainingFacts training;

    // A registered trained model's facts, read from its adapter folder; never throws (gaps become notes).
    static TrainedModelFacts read(const TrainedModelRecord& record);
};

// A GGUF file written from a saved model by `export-gguf` or the window's Export GGUF action (the card keeps each
// export; the file lives wherever the user put it).
struct GgufExportRecord
{
    std::string type; // "f32", "f16", "bf16" or "q8_0"
    std::string path; // absolute
    std::uint64_t size = 0;
    std::string sha256;
    std::string exportedAt; // ISO 8601 UTC
};

// The model card of a saved model (model_card.json; schema in docs/model-card.md). Facts only: what a source
// does not state is unknown, and gaps met while reading are notes on the card.
struct ModelCard
{
    // Major: a reader refuses a larger one. Minor: additions a reader of the same major may ignore.
    static constexpr int kSchemaMajor = 1;
    // 1.1: deployment_template; 1.2: gguf_exports; 1.3: evaluations; 1.4: server_models in an evaluation
    static constexpr int kSchemaMinor = 4;
    static std::string currentSchemaVersion();

    std::string schemaVersion; // as read (a built card: the current one; a card without one: "0.0")
    std::string name;
    std::string uuid;
    std::string createdAt;
    std::string appVersion;
    BaseModelFacts base;
    TrainedModelFacts trained;
    MergeFacts merge;
    std::vector<ManifestEntry> files; // every model file except model_card.json and README.md, sorted by path
    std::optional<std::uint64_t> totalSize;
    std::vector<GgufExportRecord> ggufExports; // oldest first
    std::vector<std::string> notes;
    // None: saved before snapshots existed, or its base had no Deployment Template File then.
    std::optional<DeploymentTemplateSnapshot> deploymentTemplate;
    // Summaries of `deepext-cli eval` runs, oldest first, each naming its result file ("results", relative to the
    // model folder). Written only when there is one.
    nlohmann::json evaluations = nlohmann::json::array();
    nlohmann::json unknownFields = nlohmann::json::object(); // from a newer minor version, written back as read

    // Reads every source; never throws (a source that fails becomes a note).
    static ModelCard build(const CardInputs& inputs);

    nlohmann::json toJson() const;
    // Tolerant: missing or mistyped fields are unknown, unknown fields are kept. Throws deepext::Error when
    // `json` is not an object or its schema major version is newer than kSchemaMajor.
    static ModelCard fromJson(const nlohmann::json& json);
    // Reads <modelDirectory>/model_card.json; throws deepext::Error naming the file when it cannot be read or
    // parsed, or through fromJson.
    static ModelCard load(const std::string& modelDirectory);
};

} // namespace deepext
