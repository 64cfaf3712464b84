#pragma once

#include "deepext/gguf/GgufValue.h"
#include "deepext/merge/MergeTypes.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext::gguf {

// The --type of an export: auto keeps the model's dtype (the first tensor with two or more dimensions: BF16 ->
// bf16, F16 -> f16, anything else -> f16), as llama.cpp's converter does with --outtype auto.
enum class GgufExportType
{
    Auto,
    F32,
    F16,
    BF16,
    Q8_0,
};
// "auto", "f32", "f16", "bf16", "q8_0" (any case); throws Error::usage listing them for anything else.
GgufExportType ggufExportTypeFromName(const std::string& name);
std::string ggufExportTypeName(GgufExportType type);

struct GgufExportRequest
{
    std::string modelDirectory; // a Hugging Face model folder (a saved model is one)
    std::string outputPath;     // the .gguf file to write
    GgufExportType type = GgufExportType::Auto;
    bool force = false; // replace an existing outputPath
    int threads = 0;    // 0: all cores
    // general.name; empty: README front matter `name` or `model_name`, else the folder's name.
    std::string modelName;
    // The tokenizer.* keys; when absent they come from readTokenizerMetadata() (TokenizerMetadata.h).
    std::optional<GgufMetadata> tokenizerMetadata;
};

struct GgufExportResult
{
    std::string path; // the written file, absolute
    std::uint64_t size = 0;
    std::string sha256;         // lowercase hex of the file
    std::string type;           // the resolved type: "f32", "f16", "bf16" or "q8_0"
    std::uint32_t fileType = 0; // general.file_type: 0, 1, 32 or 7
    std::string architecture;   // general.architecture
    std::uint64_t tensorCount = 0;
    double durationSeconds = 0;
    std::vector<std::string> warnings;
};

// Writes a Hugging Face model folder as one GGUF file that llama.cpp, LM Studio and Ollama load.
//
// Plans and validates everything before the first byte: config.json and its architecture (anything but
// GgufArchitecture::supported() is refused by name), every tensor against the architecture's mapping and the
// shapes config.json implies (unknown, missing or misshapen tensors are named), the tokenizer keys, the free space.
// Then streams the tensors in checkpoint order: row blocks are read with pread and converted on a thread pool,
// appended in order, hashed and written through an O_DIRECT sink into a hidden staging file beside the output
// (".<name>.partial-<pid>-<n>"), which is fsynced and renamed into place (refused when the output exists, unless
// `force`), and the folder is fsynced. Cancel or any error removes the staging file: nothing partial is left, and
// an existing output is untouched. Staging files that a killed export left behind are removed by the next export
// to the same name once their process is gone.
//
// Memory stays bounded whatever the model's size: a few 1 MiB blocks, the sink's buffers and small 1-D tensors.
// Progress is reported in bytes of the output file ("planning", "exporting", "syncing"); `cancel` is checked
// every block and throws Error::cancelled(). Synchronous: call it off the GUI thread.
class GgufExporter
{
public:
    static GgufExportResult exportModel(const GgufExportRequest& request, const MergeProgressCallback& progress,
                                        const std::atomic_bool& cancel);
};

} // namespace deepext::gguf
