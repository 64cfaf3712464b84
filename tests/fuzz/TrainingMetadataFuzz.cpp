// libFuzzer target for the readers of training metadata and card facts, all fed files found beside an adapter or
// base model (or a model_card.json a user edited): trainer_state.json, training_args.yaml/.json,
// all_results.json and friends, README front matter, adapter_config.json facts, config.json facts, and a saved
// model's card with its renderers. The documented "never throws" readers must not throw at all.
// Input: byte 0 picks the reader (modulo 9), the rest is the file's text.
#include "FuzzEntry.h"
#include "deepext/base/Error.h"
#include "deepext/card/AdapterFacts.h"
#include "deepext/card/BaseModelFacts.h"
#include "deepext/card/FrontMatter.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardRenderer.h"
#include "deepext/card/TrainingFacts.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {
namespace training_metadata_fuzz {

nlohmann::json parseJson(const std::string& text)
{
    return nlohmann::json::parse(text, nullptr, false);
}

// One scratch adapter directory per process (tmpfs when there is one), reused for every input.
const std::filesystem::path& scratch()
{
    static const std::filesystem::path dir = [] {
        const std::filesystem::path root = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                               : std::filesystem::temp_directory_path();
        auto path = root / ("deepext-fuzz-training-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        return path;
    }();
    return dir;
}

// Whole-directory reading, as a save does: the file under its real name, nothing else beside it.
void readAsDirectory(const std::string& name, const std::string& text)
{
    const auto& dir = scratch();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "checkpoint-7");
    std::ofstream(dir / name, std::ios::binary) << text;
    const auto facts = deepext::TrainingFacts::read(dir.string());
    const auto json = facts.toJson();
    deepext::TrainingFacts::fromJson(json);
    json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::filesystem::remove_all(dir);
}

} // namespace training_metadata_fuzz
} // namespace

DEEPEXT_FUZZ_ENTRY(trainingMetadata)
{
    using namespace training_metadata_fuzz;
    if (size < 1) {
        return 0;
    }
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    std::vector<std::string> notes;
    switch (data[0] % 9) {
    case 0: {
        const auto state = deepext::TrainerStateFacts::parse(parseJson(text), notes);
        FUZZ_CHECK(state.lossCurve.size() <= deepext::TrainerStateFacts::kCurvePoints);
        deepext::TrainerStateFacts::fromJson(state.toJson());
        break;
    }
    case 1:
        if (const auto args = deepext::TrainingArgsFacts::parseYaml(text, "training_args.yaml", notes)) {
            deepext::TrainingArgsFacts::fromJson(args->toJson());
        }
        break;
    case 2:
        if (const auto args = deepext::TrainingArgsFacts::parseJson(parseJson(text), "training_args.json", notes)) {
            deepext::TrainingArgsFacts::fromJson(args->toJson());
        }
        break;
    case 3: {
        const auto front = deepext::FrontMatter::parse(text);
        FUZZ_CHECK(front.present || front.body == text);
        deepext::BaseModelFacts base;
        base.applyReadme(text);
        break;
    }
    case 4: {
        const auto facts = deepext::AdapterFacts::fromConfig(parseJson(text));
        deepext::AdapterFacts::fromJson(facts.toJson());
        break;
    }
    case 5: {
        deepext::BaseModelFacts base;
        base.applyConfig(parseJson(text));
        deepext::BaseModelFacts::fromJson(base.toJson());
        break;
    }
    case 6:
        readAsDirectory(text.size() % 3 == 0 ? "all_results.json"
                                             : (text.size() % 3 == 1 ? "train_results.json" : "eval_results.json"),
                        text);
        break;
    case 7:
        readAsDirectory(text.size() % 2 == 0 ? "trainer_state.json" : "checkpoint-7/trainer_state.json", text);
        break;
    default:
        // A hand-edited model_card.json, as `show` and the GUI load and render it.
        try {
            const auto card = deepext::ModelCard::fromJson(parseJson(text));
            deepext::ModelCardRenderer::markdown(card, std::vector<deepext::DeploymentSummary>{});
            deepext::ModelCardRenderer::terminalText(card);
            deepext::ModelCardRenderer::readme(card);
            card.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } catch (const deepext::Error&) {
        }
        break;
    }
    return 0;
}
