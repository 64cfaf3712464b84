#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace deepext::ollama {

// A base model's Deployment Template File (docs/user-guide.md, "Base Models"): a bare Ollama prompt template, or a
// Modelfile fragment whose TEMPLATE, SYSTEM, PARAMETER, LICENSE and MESSAGE lines become the matching /api/create
// fields.
struct DeploymentTemplate
{
    enum class Form
    {
        Empty,     // nothing but blank lines and comments
        Bare,      // the whole text is the template
        Modelfile, // a Modelfile fragment
    };

    Form form = Form::Empty;
    std::optional<std::string> templateText;
    std::optional<std::string> system;
    nlohmann::json parameters = nlohmann::json::object(); // typed values; "stop" is an array
    std::vector<std::string> license;
    nlohmann::json messages = nlohmann::json::array(); // [{"role": ..., "content": ...}]
    std::vector<std::string> warnings;                 // ignored instructions, deprecated parameters

    // Detects the form and parses it. Throws deepext::Error (Kind::Usage) whose message names the line.
    static DeploymentTemplate parse(const std::string& text);

    // The detection rule: the first line that is neither blank nor a '#' comment starts with a Modelfile
    // instruction word (any case) followed by a space or tab.
    static Form detectForm(const std::string& text);
};

} // namespace deepext::ollama
