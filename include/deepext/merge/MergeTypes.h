#pragma once

#include "deepext/base/ManifestEntry.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace deepext {

enum class OutputDtype
{
    Auto, // keep every tensor's dtype
    BF16,
    F16,
    F32,
};
// "auto", "bf16", "fp16", "fp32" (also accepts "bfloat16", "float16", "float32"); nullopt-like: throws Error::usage.
OutputDtype outputDtypeFromName(const std::string& name);
std::string outputDtypeName(OutputDtype dtype);

struct MergeRequest
{
    std::string baseDirectory;
    std::string adapterDirectory;
    std::string outputDirectory; // must exist and be empty; the merger writes every model file into it
    OutputDtype dtype = OutputDtype::Auto;
    int threads = 0; // 0: all cores
};

struct MergeProgress
{
    std::uint64_t bytesDone = 0;
    std::uint64_t bytesTotal = 0;
    std::string phase; // "planning", "merging", "copying files", "syncing"
};
using MergeProgressCallback = std::function<void(const MergeProgress&)>;

struct ModuleScaling
{
    std::string module; // e.g. model.layers.0.self_attn.q_proj
    int rank = 0;
    double alpha = 0;
    double scaling = 0;
    bool dora = false;
};

struct MergeResult
{
    std::vector<ManifestEntry> files; // every file written into the output directory, sorted by path
    std::string outputDtype;          // "auto" or the forced one
    int tensorsMerged = 0;            // LoRA/DoRA deltas applied
    int tensorsReplaced = 0;          // modules_to_save, base_layer copies, resized embeddings, trainable tokens
    int tensorsCopied = 0;            // untouched
    std::vector<ModuleScaling> scalings;
    std::vector<std::string> warnings;
    std::vector<std::string> configChanges; // e.g. "vocab_size: 32000 -> 32008"
    double durationSeconds = 0;
    std::uint64_t bytesWritten = 0;
};

} // namespace deepext
