#include "ModelCardFields.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace deepext::gguf {
namespace {

std::optional<std::string> scalarString(const YAML::Node& node)
{
    if (node && node.IsScalar()) {
        return node.as<std::string>();
    }
    return std::nullopt;
}

void appendStrings(const YAML::Node& node, std::vector<std::string>& out)
{
    if (!node) {
        return;
    }
    if (node.IsScalar()) {
        out.push_back(node.as<std::string>());
    } else if (node.IsSequence()) {
        for (const YAML::Node& item : node) {
            if (item.IsScalar()) {
                out.push_back(item.as<std::string>());
            }
        }
    }
}

} // namespace

ModelCardFields ModelCardFields::read(const std::string& modelDirectory)
{
    std::ifstream in(std::filesystem::path(modelDirectory) / "README.md", std::ios::binary);
    if (!in) {
        return {};
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str());
}

ModelCardFields ModelCardFields::parse(const std::string& readme)
{
    ModelCardFields fields;
    std::istringstream lines(readme);
    std::string line;
    if (!std::getline(lines, line) || (line != "---" && line != "---\r")) {
        return fields;
    }
    std::string yaml;
    while (std::getline(lines, line)) {
        if (line == "---" || line == "---\r") {
            break;
        }
        // The converter's two fixes: "- no" (Norway) stays a string, tabs become two spaces.
        if (line == "- no") {
            line = "- \"no\"";
        }
        std::string expanded;
        for (const char c : line) {
            expanded += c == '\t' ? std::string("  ") : std::string(1, c);
        }
        yaml += expanded + "\n";
    }
    try {
        const YAML::Node root = YAML::Load(yaml);
        if (!root.IsMap()) {
            return fields;
        }
        fields.name = scalarString(root["name"]);
        if (!fields.name) {
            fields.name = scalarString(root["model_name"]);
        }
        if (const YAML::Node license = root["license"]) {
            std::vector<std::string> parts;
            appendStrings(license, parts);
            std::string joined;
            for (const std::string& part : parts) {
                joined += (joined.empty() ? "" : ",") + part;
            }
            if (!parts.empty()) {
                fields.license = joined;
            }
        }
        appendStrings(root["tags"], fields.tags);
        appendStrings(root["pipeline_tag"], fields.tags);
    } catch (const YAML::Exception&) {
        return {};
    }
    return fields;
}

} // namespace deepext::gguf
