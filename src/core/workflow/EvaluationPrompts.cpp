#include "deepext/workflow/EvaluationPrompts.h"

#include "deepext/base/Error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <sstream>

namespace deepext {

std::vector<EvaluationPrompt> EvaluationPrompts::read(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error("cannot read the prompt file " + path);
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw Error("cannot read the prompt file " + path);
    }
    return parse(text, path);
}

std::vector<EvaluationPrompt> EvaluationPrompts::parse(const std::string& text, const std::string& path)
{
    std::vector<EvaluationPrompt> prompts;
    std::istringstream in(text);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto where = [&] { return path + ":" + std::to_string(number) + ": "; };
        if (line.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
            throw Error(where() + "not a JSON object; each line must be {\"prompt\": \"...\"} with optional \"system\" "
                                  "and \"expected\"");
        }
        for (const auto& [key, value] : json.items()) {
            if (key != "prompt" && key != "system" && key != "expected") {
                throw Error(where() + "unknown field \"" + key + "\" (known: prompt, system, expected)");
            }
            if (!value.is_string()) {
                throw Error(where() + "\"" + key + "\" must be a string");
            }
        }
        if (!json.contains("prompt") || json["prompt"].get<std::string>().empty()) {
            throw Error(where() + "\"prompt\" is missing or empty");
        }
        EvaluationPrompt prompt;
        prompt.prompt = json["prompt"];
        prompt.system = json.value("system", "");
        if (json.contains("expected")) {
            prompt.expected = json["expected"].get<std::string>();
        }
        prompts.push_back(std::move(prompt));
    }
    if (prompts.empty()) {
        throw Error("the prompt file " + path + " holds no prompts");
    }
    return prompts;
}

} // namespace deepext
