// libFuzzer target for a base model's Deployment Template File and Modelfile lexing: DeploymentTemplate::parse,
// ModelfileParser::parse, and the `--param KEY=VALUE` typing, which all take text a user wrote or pasted.
#include "FuzzEntry.h"
#include "deepext/base/Error.h"
#include "deepext/ollama/DeploymentTemplate.h"
#include "deepext/ollama/ModelfileParser.h"

#include <string>

DEEPEXT_FUZZ_ENTRY(deploymentTemplate)
{
    using deepext::ollama::DeploymentTemplate;
    using deepext::ollama::ModelfileParser;
    const std::string text(reinterpret_cast<const char*>(data), size);

    try {
        const auto parsed = DeploymentTemplate::parse(text);
        FUZZ_CHECK(parsed.form == DeploymentTemplate::detectForm(text));
        FUZZ_CHECK(parsed.parameters.is_object());
        FUZZ_CHECK(parsed.messages.is_array());
        // What becomes the /api/create request must be valid JSON that survives a round trip.
        nlohmann::json request = {{"parameters", parsed.parameters}, {"messages", parsed.messages}};
        if (parsed.templateText) {
            request["template"] = *parsed.templateText;
        }
        if (parsed.system) {
            request["system"] = *parsed.system;
        }
        const std::string dumped = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        FUZZ_CHECK(!nlohmann::json::parse(dumped, nullptr, false).is_discarded());
        for (auto it = parsed.parameters.begin(); it != parsed.parameters.end(); ++it) {
            FUZZ_CHECK(ModelfileParser::typedValueError(it.key(), it.value()).empty());
        }
    } catch (const deepext::Error&) {
    }

    try {
        for (const auto& command : ModelfileParser::parse(text)) {
            FUZZ_CHECK(command.line >= 1);
            FUZZ_CHECK(!command.instruction.empty());
            if (command.instruction == "parameter") {
                try {
                    const auto typed = ModelfileParser::typeParameter(command.key, command.value);
                    nlohmann::json parameters = nlohmann::json::object();
                    if (!typed.value.is_null()) {
                        ModelfileParser::addParameter(parameters, typed.key, typed.value);
                    }
                } catch (const deepext::Error&) {
                }
            }
        }
    } catch (const deepext::Error&) {
    }

    // The same text as one command-line assignment (first line only, as a shell argument would be).
    try {
        const auto assignment = ModelfileParser::parseParameterAssignment(text.substr(0, text.find('\n')));
        if (!assignment.value.is_null()) {
            FUZZ_CHECK(ModelfileParser::typedValueError(assignment.key, assignment.value).empty());
        }
    } catch (const deepext::Error&) {
    }
    return 0;
}
