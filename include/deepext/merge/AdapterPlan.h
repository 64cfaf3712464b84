#pragma once

#include "deepext/merge/AdapterConfig.h"
#include "deepext/merge/MergeTypes.h"
#include "deepext/merge/ModelCheckpoint.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// The few config.json facts planning needs (read by the caller so the plan stays pure).
struct BaseConfigFacts
{
    std::optional<bool> tieWordEmbeddings; // nullopt: config.json does not say
    std::optional<std::int64_t> vocabSize;
    std::string modelType;
};

// How a LoRA delta lies over its weight (tuners/lora/layer.py get_delta_weight; docs/peft-notes.md, "Where a LoRA
// delta lies").
enum class DeltaLayout
{
    Linear,    // W [out, in], A [r, in], B [out, r]: delta = s * (B @ A)
    Conv1D,    // W [in, out] (GPT-2 Conv1D, fan_in_fan_out): delta = s * (B @ A)^T
    Embedding, // W [V, D], A [r, V], B [D, r]: delta = s * (B @ A)^T, rounded to W's dtype before the add
};

struct LoraDelta
{
    std::string module; // name inside the transformers model, e.g. model.layers.0.self_attn.q_proj
    DeltaLayout layout = DeltaLayout::Linear;
    TensorInfo a; // adapter tensors (offsets into the adapter file)
    TensorInfo b;
    std::optional<TensorInfo> magnitude; // DoRA lora_magnitude_vector
    int rank = 0;
    double alpha = 0;
    double scaling = 0; // double, as PEFT computes it; the merger casts it to float once
};

// Everything that happens to one output tensor, applied in this order (docs/peft-notes.md, "Order on one tensor"):
// replacement, token rows, LoRA/DoRA delta, LoRA bias.
struct TensorPlan
{
    std::string name;                      // output tensor name
    std::string baseName;                  // base tensor read for W; empty when the tensor is new (untied lm_head)
    std::size_t shard = 0;                 // index into ModelCheckpoint::shards: where the output tensor goes
    Dtype computeDtype = Dtype::F32;       // the base tensor's dtype: PEFT computes into it (casts replacements to it)
    std::vector<std::int64_t> shape;       // output shape (differs from the base only for a resized vocabulary)
    std::optional<TensorInfo> replacement; // adapter tensor replacing the values (modules_to_save, base_layer, ...)
    std::optional<TensorInfo> tokenRows;   // trainable_tokens_delta: replacement rows at tokenIndices
    std::vector<std::int64_t> tokenIndices;
    std::optional<LoraDelta> delta;
    std::optional<TensorInfo> loraBias; // lora_B.bias, added times loraBiasScaling to this (bias) tensor
    double loraBiasScaling = 0;

    bool untouched() const { return !replacement && !tokenRows && !delta && !loraBias; }
    bool merged() const { return delta.has_value() || loraBias.has_value(); }
};

// The validated mapping of every adapter tensor onto the base checkpoint. build() finds every mismatch (missing
// lora_A or lora_B, a module the base does not have, a shape or rank conflict, an unusable dtype) before anything
// is written and throws one deepext::Error listing them all (message: a summary; details: one line each).
struct AdapterPlan
{
    std::map<std::string, TensorPlan> tensors; // by output name: every tensor of the output, untouched ones too
    std::vector<std::vector<std::string>> shardTensors; // output tensor names per shard (base order, new ones last)
    std::vector<ModuleScaling> scalings;                // one per LoRA module, sorted by module
    std::vector<std::string> warnings;
    std::optional<std::int64_t> newVocabSize; // set when the adapter resized the vocabulary
    bool untieEmbeddings = false;             // a separate lm_head.weight was added to a tied model

    static AdapterPlan build(const AdapterConfig& config, const ModelCheckpoint& base, const SafeTensorsHeader& adapter,
                             const BaseConfigFacts& baseConfig);

    int mergedCount() const;
    int replacedCount() const;
    int copiedCount() const;
};

} // namespace deepext
