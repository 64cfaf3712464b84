// libFuzzer target for the evaluation prompt file (EvaluationPrompts::parse): any bytes either give at least one
// prompt, none of them empty and no more than there are lines, or a deepext::Error that names the file (and line).
#include "FuzzEntry.h"
#include "deepext/base/Error.h"
#include "deepext/workflow/EvaluationPrompts.h"

#include <algorithm>
#include <string>

DEEPEXT_FUZZ_ENTRY(evaluationPrompts)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto prompts = deepext::EvaluationPrompts::parse(text, "fuzz.jsonl");
        FUZZ_CHECK(!prompts.empty());
        FUZZ_CHECK(prompts.size() <= static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
        for (const auto& prompt : prompts) {
            FUZZ_CHECK(!prompt.prompt.empty());
        }
    } catch (const deepext::Error& error) {
        FUZZ_CHECK(error.message().find("fuzz.jsonl") != std::string::npos);
    }
    return 0;
}
