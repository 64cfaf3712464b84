#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace deepext {

class Workspace;

// Keeps an evaluation with the saved model it evaluated: the result lines as evaluations/<stamp>.jsonl in the model
// folder, and the summary appended to the card's "evaluations" (model_card.json and README.md rewritten atomically,
// as every card write, under the model's card lock). `verify` counts the result files as the card's own.
class EvaluationLog
{
public:
    // Returns the result file's path relative to the model folder. Throws deepext::Error naming the file or model.
    static std::string add(const Workspace& workspace, const std::string& savedModel, nlohmann::json summary,
                           const std::string& resultLines);
};

} // namespace deepext
