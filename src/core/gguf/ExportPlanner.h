#pragma once

#include "deepext/gguf/GgmlType.h"
#include "deepext/gguf/GgufArchitecture.h"
#include "deepext/gguf/GgufExporter.h"
#include "deepext/gguf/GgufValue.h"
#include "deepext/merge/Dtype.h"
#include "deepext/merge/ModelCheckpoint.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace deepext::gguf {

// One tensor of the GGUF file and where its bytes come from. The source is seen as [rows, cols] (a 1-D tensor is
// [n, 1], so a permutation of its elements is a permutation of rows); the output has the same rows and columns.
struct ExportTensor
{
    std::string name;       // GGUF name
    std::string sourceName; // Hugging Face name; empty for a generated tensor
    GgmlType type = GgmlType::F32;
    std::vector<std::uint64_t> ne; // GGUF dimensions (the Hugging Face shape reversed)
    Dtype sourceDtype = Dtype::F32;
    std::size_t shard = 0;         // index into ModelCheckpoint::shards
    std::uint64_t sourceBegin = 0; // offset of the tensor in its shard's byte buffer
    std::uint64_t rows = 1;
    std::uint64_t cols = 1;
    std::uint64_t permuteHeads = 0;                      // > 0: llama's Q/K row permutation with this many heads
    bool addOne = false;                                 // Gemma norms: w + 1
    std::shared_ptr<const std::vector<float>> generated; // rope factors computed here, F32
};

// Everything an export writes, decided before the first byte.
struct ExportPlan
{
    const GgufArchitecture* architecture = nullptr;
    GgufExportType type = GgufExportType::F16; // resolved (never Auto)
    std::uint32_t fileType = 1;                // general.file_type
    GgufMetadata metadata;                     // complete, tokenizer keys included
    std::vector<ExportTensor> tensors;         // in file order
    std::vector<std::string> warnings;
};

// Reads config.json, generation_config.json and README.md of `request.modelDirectory`, maps and validates every
// tensor of `checkpoint` (see GgufExporter) and assembles the metadata. Throws deepext::Error naming the file and
// the tensor or key at fault.
class ExportPlanner
{
public:
    static ExportPlan plan(const GgufExportRequest& request, const ModelCheckpoint& checkpoint);
};

} // namespace deepext::gguf
