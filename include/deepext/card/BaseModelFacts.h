#pragma once

#include "deepext/merge/ModelCheckpoint.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// Facts about the base model, each from its source: config.json (architecture numbers, dtype), the safetensors
// headers (parameter count, weight dtype, tensors, shards), the directory (disk size) and the base README front
// matter (license, language). A fact no source states stays unknown (nullopt); nothing is defaulted.
struct BaseModelFacts
{
    std::string technicalName;
    std::string displayName;
    std::string directory;

    std::optional<std::vector<std::string>> architectures;
    std::optional<std::string> modelType;
    std::optional<std::int64_t> hiddenSize;
    std::optional<std::int64_t> layers;
    std::optional<std::int64_t> attentionHeads;
    std::optional<std::int64_t> keyValueHeads;
    std::optional<std::int64_t> intermediateSize;
    std::optional<std::int64_t> vocabSize;
    std::optional<std::int64_t> contextLength;
    std::optional<std::string> configDtype; // torch_dtype (or dtype, transformers 5) in config.json
    std::optional<bool> tieWordEmbeddings;  // as config.json states it (transformers defaults it to true)

    std::optional<std::string> weightsDtype;     // the dtype most tensor bytes are in
    std::optional<std::uint64_t> parameterCount; // sum over headers; a tied lm_head stored twice counted once
    std::optional<std::uint64_t> tensorCount;
    std::optional<std::uint64_t> shardCount;
    std::optional<std::uint64_t> diskSize; // every regular file under the directory

    std::optional<std::string> license;
    std::vector<std::string> languages;
    std::vector<std::string> notes; // gaps and oddities met while reading, stated on the card

    // Reads every source under `directory`; never throws (failures become notes).
    static BaseModelFacts read(const std::string& directory);

    // The per-source steps of read(), separately testable.
    void applyConfig(const nlohmann::json& config);
    void applyCheckpoint(const ModelCheckpoint& checkpoint);
    void applyReadme(const std::string& markdown);

    nlohmann::json toJson() const;
    static BaseModelFacts fromJson(const nlohmann::json& json);
};

} // namespace deepext
