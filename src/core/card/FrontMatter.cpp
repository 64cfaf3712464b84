#include "deepext/card/FrontMatter.h"

#include <yaml-cpp/yaml.h>

namespace deepext {

namespace {

// A delimiter line: "---" with optional trailing spaces and CR (READMEs written on Windows).
bool isDelimiter(const std::string& line, bool closing)
{
    std::string trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ' || trimmed.back() == '\t')) {
        trimmed.pop_back();
    }
    return trimmed == "---" || (closing && trimmed == "...");
}

std::vector<std::string> scalarOrList(const YAML::Node& node)
{
    std::vector<std::string> list;
    if (!node) {
        return list;
    }
    if (node.IsScalar()) {
        list.push_back(node.Scalar());
    } else if (node.IsSequence()) {
        for (const YAML::Node& item : node) {
            if (item.IsScalar()) {
                list.push_back(item.Scalar());
            }
        }
    }
    return list;
}

std::optional<std::string> scalar(const YAML::Node& node)
{
    if (node && node.IsScalar() && !node.Scalar().empty()) {
        return node.Scalar();
    }
    return std::nullopt;
}

} // namespace

FrontMatter FrontMatter::split(const std::string& markdown)
{
    FrontMatter result;
    result.body = markdown;
    std::size_t start = 0;
    if (markdown.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        start = 3; // UTF-8 byte order mark
    }
    std::size_t lineEnd = markdown.find('\n', start);
    if (lineEnd == std::string::npos || !isDelimiter(markdown.substr(start, lineEnd - start), false)) {
        return result;
    }
    std::size_t pos = lineEnd + 1;
    while (pos <= markdown.size()) {
        std::size_t end = markdown.find('\n', pos);
        const std::size_t lineLength = (end == std::string::npos ? markdown.size() : end) - pos;
        if (isDelimiter(markdown.substr(pos, lineLength), true)) {
            result.present = true;
            result.yaml = markdown.substr(lineEnd + 1, pos - (lineEnd + 1));
            result.body = end == std::string::npos ? std::string() : markdown.substr(end + 1);
            return result;
        }
        if (end == std::string::npos) {
            break;
        }
        pos = end + 1;
    }
    // An opening delimiter without a closing one: not front matter (Markdown would read a horizontal rule).
    return result;
}

FrontMatter FrontMatter::parse(const std::string& markdown)
{
    FrontMatter result = split(markdown);
    if (!result.present) {
        return result;
    }
    try {
        const YAML::Node root = YAML::Load(result.yaml);
        if (!root || root.IsNull()) {
            return result;
        }
        if (!root.IsMap()) {
            result.error = "front matter is not a YAML mapping";
            return result;
        }
        result.baseModels = scalarOrList(root["base_model"]);
        result.libraryName = scalar(root["library_name"]);
        result.license = scalar(root["license"]);
        result.pipelineTag = scalar(root["pipeline_tag"]);
        result.languages = scalarOrList(root["language"]);
        result.datasets = scalarOrList(root["datasets"]);
        result.tags = scalarOrList(root["tags"]);
    } catch (const YAML::Exception& e) {
        // The mark is 0-based and relative to the YAML block, which starts on line 2 of the README.
        result.error = e.mark.is_null() ? "not valid YAML: " + e.msg
                                        : "not valid YAML at line " + std::to_string(e.mark.line + 2) + ", column " +
                                              std::to_string(e.mark.column + 1) + ": " + e.msg;
    } catch (const std::exception& e) {
        result.error = std::string("not readable as YAML: ") + e.what();
    }
    return result;
}

} // namespace deepext
