#include "deepext/ollama/DeploymentTemplate.h"

#include "deepext/base/Error.h"
#include "deepext/ollama/ModelfileParser.h"

#include <algorithm>
#include <cctype>

namespace deepext::ollama {
namespace {

std::string withoutUtf8Bom(const std::string& text)
{
    return text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

} // namespace

DeploymentTemplate::Form DeploymentTemplate::detectForm(const std::string& rawText)
{
    const std::string text = withoutUtf8Bom(rawText);
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        const auto first = line.find_first_not_of(" \t\r\v\f");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        std::size_t wordEnd = first;
        while (wordEnd < line.size() && std::isalpha(static_cast<unsigned char>(line[wordEnd]))) {
            ++wordEnd;
        }
        const bool separated = wordEnd < line.size() && (line[wordEnd] == ' ' || line[wordEnd] == '\t');
        if (wordEnd > first && separated && ModelfileParser::isInstruction(line.substr(first, wordEnd - first))) {
            return Form::Modelfile;
        }
        return Form::Bare;
    }
    return Form::Empty;
}

DeploymentTemplate DeploymentTemplate::parse(const std::string& text)
{
    DeploymentTemplate result;
    result.form = detectForm(text);
    if (result.form == Form::Empty) {
        return result;
    }
    if (result.form == Form::Bare) {
        // Sent verbatim: a Go template's whitespace is part of the prompt.
        result.templateText = withoutUtf8Bom(text);
        return result;
    }

    for (const ModelfileCommand& command : ModelfileParser::parse(text)) {
        const std::string where = "line " + std::to_string(command.line) + ": ";
        if (command.instruction == "template") {
            result.templateText = command.value;
        } else if (command.instruction == "system") {
            result.system = command.value;
        } else if (command.instruction == "license") {
            result.license.push_back(command.value);
        } else if (command.instruction == "message") {
            result.messages.push_back({{"role", command.key}, {"content", command.value}});
        } else if (command.instruction == "parameter") {
            ParameterAssignment assignment;
            try {
                assignment = ModelfileParser::typeParameter(command.key, command.value);
            } catch (const Error& error) {
                throw Error::usage(where + error.message());
            }
            if (!assignment.warning.empty()) {
                result.warnings.push_back(where + assignment.warning);
            }
            ModelfileParser::addParameter(result.parameters, assignment.key, assignment.value);
        } else {
            // FROM and ADAPTER name the model, which a deploy takes from the saved model; the rest has no field here.
            result.warnings.push_back(where + upper(command.instruction) +
                                      " is ignored in a Deployment Template File (only TEMPLATE, SYSTEM, PARAMETER, "
                                      "LICENSE and MESSAGE are used)");
        }
    }
    return result;
}

} // namespace deepext::ollama
