#pragma once

#include "deepext/merge/Dtype.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// The non-weight files of the merged model directory (docs/peft-notes.md, "The model directory"): config and generation
// config, tokenizer files, chat templates, processor configs, custom code, licence files. Tokenizer files and chat
// templates found in the adapter directory override the base's: they describe the fine-tuned model.
struct ModelFile
{
    std::string relativePath; // '/'-separated, relative to the model directory
    std::string sourcePath;   // file to copy; empty when `content` is the file
    std::string content;
    std::uint64_t size = 0;
};

struct ConfigEdits
{
    std::optional<std::int64_t> vocabSize;
    bool untieEmbeddings = false;
    std::optional<Dtype> dtype; // forced output dtype
};

class ModelFiles
{
public:
    // Every file to write except the weights and their index. `configChanges` receives lines such as
    // "vocab_size: 128 -> 136"; config.json is rewritten only when something changes, else copied byte for byte.
    static std::vector<ModelFile> collect(const std::string& baseDirectory, const std::string& adapterDirectory,
                                          const ConfigEdits& edits, std::vector<std::string>& configChanges,
                                          std::vector<std::string>& warnings);

    // config.json text with the edits applied (key order kept; indent 2 and a final newline as transformers
    // writes it), or nullopt when nothing changes. Throws deepext::Error naming `path` if it is not a JSON object.
    static std::optional<std::string> editConfig(const std::string& text, const std::string& path,
                                                 const ConfigEdits& edits, std::vector<std::string>& configChanges);
};

} // namespace deepext
