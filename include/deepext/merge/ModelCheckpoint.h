#pragma once

#include "deepext/merge/SafeTensorsFile.h"

#include <map>
#include <string>
#include <vector>

namespace deepext {

// The weights of a Hugging Face model directory: one model.safetensors, or shards listed by
// model.safetensors.index.json. Only headers are read. Throws deepext::Error naming the directory or file
// (no weights, an index naming a missing shard, a tensor in two shards, a weight_map that disagrees with headers).
struct ModelCheckpoint
{
    std::string directory;
    std::string indexFile;                   // empty when not sharded
    std::vector<SafeTensorsHeader> shards;   // in file-name order
    std::map<std::string, std::size_t> shardOfTensor;

    static ModelCheckpoint scan(const std::string& directory);

    bool isSharded() const { return !indexFile.empty(); }
    const TensorInfo* find(const std::string& name) const;
    std::uint64_t parameterCount() const; // sum of element counts over every tensor
    std::uint64_t tensorBytes() const;    // sum of tensor byte sizes
    // The dtype most bytes are in ("the model's dtype").
    Dtype dominantDtype() const;
};

} // namespace deepext
