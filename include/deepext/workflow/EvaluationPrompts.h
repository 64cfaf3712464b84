#pragma once

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// One prompt of an evaluation: what the user says, an optional system prompt, and an optional text the reply is
// expected to contain.
struct EvaluationPrompt
{
    std::string prompt;
    std::string system;
    std::optional<std::string> expected;
};

// The prompt file of `eval` and the window's Evaluate dialog: one {"prompt": ..., "system"?: ..., "expected"?: ...}
// JSON object a line; blank lines are skipped. Errors name file and line ("prompts.jsonl:3: ...").
class EvaluationPrompts
{
public:
    // Throws deepext::Error naming the file (and line) when it cannot be read, a line is wrong, or it holds no prompt.
    static std::vector<EvaluationPrompt> read(const std::string& path);
    // The same for text already read; `path` only names it in the errors.
    static std::vector<EvaluationPrompt> parse(const std::string& text, const std::string& path);
};

} // namespace deepext
