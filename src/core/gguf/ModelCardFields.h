#pragma once

#include <optional>
#include <string>
#include <vector>

namespace deepext::gguf {

// The README.md front matter fields llama.cpp's converter copies into general.* (gguf-py/gguf/metadata.py
// `Metadata.load_model_card` and `apply_metadata_heuristic`): the YAML between a first line "---" and the next
// "---" line. A README without front matter, or whose YAML does not parse, gives no fields (as the converter).
struct ModelCardFields
{
    std::optional<std::string> name;    // `name`, else `model_name`
    std::optional<std::string> license; // a list is joined with ","
    std::vector<std::string> tags;      // `tags`, then `pipeline_tag`

    static ModelCardFields read(const std::string& modelDirectory);
    static ModelCardFields parse(const std::string& readme);
};

} // namespace deepext::gguf
