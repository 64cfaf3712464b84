#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace deepext::ollama {

// One instruction of a Modelfile as Ollama's parser lexes it (parser/parser.go ParseFile; docs/ollama-notes.md,
// "Modelfile").
struct ModelfileCommand
{
    std::string instruction; // lowercase: "template", "system", "parameter", "license", "message", "from", ...
    std::string key;         // PARAMETER: the parameter name; MESSAGE: the role; empty otherwise
    std::string value;       // unquoted, trimmed outside the quotes
    int line = 0;            // 1-based line where the instruction starts
};

// A `--param KEY=VALUE` or `PARAMETER KEY VALUE` after typing.
struct ParameterAssignment
{
    std::string key;
    nlohmann::json value; // typed as api/types.go FormatParams does (stop: a one-element array); null when the
                          // parameter is deprecated
    std::string warning;  // set when the parameter is deprecated and dropped, as Ollama's client does
};

// Modelfile lexing and parameter typing, the rules of Ollama's client. Errors are deepext::Error (Kind::Usage)
// whose message names the line.
class ModelfileParser
{
public:
    // Lexes a whole Modelfile text; a FROM line is not required (a Deployment Template File has none).
    static std::vector<ModelfileCommand> parse(const std::string& text);

    // True for an instruction word Ollama knows (any case): from, license, template, system, adapter, draft,
    // renderer, parser, parameter, message, requires.
    static bool isInstruction(const std::string& word);

    // Types one parameter value (api.FormatParams): integers and floats as JSON numbers, use_mmap as a bool, stop
    // as an array of one string. Throws with Ollama's texts: "unknown parameter 'k'", "invalid int value [v]",
    // "invalid float value [v]", "invalid bool value [v]".
    static ParameterAssignment typeParameter(const std::string& key, const std::string& value);

    // "KEY=VALUE" from the command line, typed the same way; VALUE may be quoted as in a Modelfile.
    static ParameterAssignment parseParameterAssignment(const std::string& assignment);

    // Adds a typed value to a parameters object: stop values collect into one array, anything else replaces.
    static void addParameter(nlohmann::json& parameters, const std::string& key, const nlohmann::json& value);

    static bool isDeprecatedParameter(const std::string& key);

    // Checks an already typed value (from a record or a caller) against FormatParams' types: empty when it is what
    // Ollama expects, otherwise a message naming the parameter.
    static std::string typedValueError(const std::string& key, const nlohmann::json& value);
};

} // namespace deepext::ollama
