#pragma once

#include "deepext/merge/SafeTensorsFile.h"

#include <map>
#include <string>
#include <vector>

namespace deepext {

// The weights of a Hugging Face model directory, looked up in transformers' order: model.safetensors, else the
// shards listed by model.safetensors.index.json (only its weight_map is used), else every other non-hidden
// *.safetensors file (adapter_model*.safetensors excluded; then isSharded() is false even with several files).
// Only headers are read, each validated like SafeTensorsFile. Throws deepext::Error naming the directory or file:
// no safetensors weights (pickle-only folders get a conversion hint), an index naming a missing shard, a
// weight_map entry whose shard lacks the tensor, a shard tensor the weight_map does not list, a tensor in two shards.
struct ModelCheckpoint
{
    std::string directory;
    std::string indexFile;                            // full path; empty when not sharded
    std::vector<SafeTensorsHeader> shards;            // in file-name order
    std::map<std::string, std::size_t> shardOfTensor; // tensor name -> index into shards

    static ModelCheckpoint scan(const std::string& directory);

    bool isSharded() const { return !indexFile.empty(); }
    const TensorInfo* find(const std::string& name) const;
    std::uint64_t parameterCount() const; // sum of element counts over every tensor
    std::uint64_t tensorBytes() const;    // sum of tensor byte sizes
    // The dtype most bytes are in ("the model's dtype").
    Dtype dominantDtype() const;
};

} // namespace deepext
