#pragma once

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// The YAML front matter of a Hugging Face README (between a first line "---" and the next "---" line) and the
// model-card metadata fields the card uses. Reading never throws: a README without front matter or with YAML
// that does not parse yields present/error set accordingly and empty facts.
struct FrontMatter
{
    bool present = false; // the README opens with a front matter block
    std::string yaml;     // the text between the delimiters
    std::string body;     // everything after the closing delimiter (the whole text when not present)
    std::string error;    // non-empty when the YAML does not parse: "not valid YAML at line 3, column 1: ..."

    // Hub metadata fields; a lone string in the YAML becomes a one-element list.
    std::vector<std::string> baseModels;
    std::optional<std::string> libraryName;
    std::optional<std::string> license;
    std::optional<std::string> pipelineTag;
    std::vector<std::string> languages;
    std::vector<std::string> datasets;
    std::vector<std::string> tags;

    // Splits only (no YAML parsing).
    static FrontMatter split(const std::string& markdown);
    // Splits and parses the YAML with yaml-cpp.
    static FrontMatter parse(const std::string& markdown);
};

} // namespace deepext
