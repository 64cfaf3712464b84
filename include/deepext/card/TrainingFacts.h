#pragma once

#include "deepext/card/FrontMatter.h"
#include "deepext/card/TrainerStateFacts.h"
#include "deepext/card/TrainingArgsFacts.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// The training facts found beside an adapter. Every source is optional and read tolerantly: a missing file is
// simply absent from `sources`, a malformed one is a note ("trainer_state.json: not valid JSON at line 3, ...").
struct TrainingFacts
{
    std::vector<std::string> sources; // files read, relative to the adapter directory
    std::optional<TrainerStateFacts> trainerState;
    // all_results.json / train_results.json / eval_results.json: file name -> numeric metrics as written.
    std::map<std::string, std::map<std::string, double>> results;
    std::optional<TrainingArgsFacts> trainingArgs;
    std::optional<FrontMatter> readme; // the adapter's README front matter (PEFT, LLaMA-Factory, TRL, axolotl)
    std::vector<std::string> notes;

    // The files looked for, in reading order (the card says which were found).
    static const std::vector<std::string>& knownSources();

    // Never throws.
    static TrainingFacts read(const std::string& adapterDirectory);

    nlohmann::json toJson() const;
    static TrainingFacts fromJson(const nlohmann::json& json);
};

} // namespace deepext
