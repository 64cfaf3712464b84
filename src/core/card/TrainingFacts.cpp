#include "deepext/card/TrainingFacts.h"

#include "CardJson.h"

#include <filesystem>

namespace deepext {

namespace cj = cardjson;
namespace fs = std::filesystem;

namespace {

// Trainer saves trainer_state.json into each checkpoint-N; an adapter saved at the end of a run may only have
// it there. The highest N is the latest state.
std::optional<fs::path> latestCheckpointState(const fs::path& dir)
{
    std::optional<fs::path> best;
    long long bestStep = -1;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("checkpoint-", 0) != 0) {
            continue;
        }
        const std::string digits = name.substr(11);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 15) {
            continue;
        }
        const long long step = std::stoll(digits);
        std::error_code fileEc;
        if (step > bestStep && fs::is_regular_file(it->path() / "trainer_state.json", fileEc)) {
            bestStep = step;
            best = it->path() / "trainer_state.json";
        }
    }
    return best;
}

nlohmann::json frontMatterJson(const FrontMatter& front)
{
    nlohmann::json j = nlohmann::json::object();
    j["base_model"] = front.baseModels;
    cj::put(j, "library_name", front.libraryName);
    cj::put(j, "license", front.license);
    cj::put(j, "pipeline_tag", front.pipelineTag);
    j["language"] = front.languages;
    j["datasets"] = front.datasets;
    j["tags"] = front.tags;
    return j;
}

FrontMatter frontMatterFromJson(const nlohmann::json& j)
{
    FrontMatter front;
    front.present = true;
    front.baseModels = cj::stringList(j, "base_model");
    front.libraryName = cj::optString(j, "library_name");
    front.license = cj::optString(j, "license");
    front.pipelineTag = cj::optString(j, "pipeline_tag");
    front.languages = cj::stringList(j, "language");
    front.datasets = cj::stringList(j, "datasets");
    front.tags = cj::stringList(j, "tags");
    return front;
}

} // namespace

const std::vector<std::string>& TrainingFacts::knownSources()
{
    static const std::vector<std::string> names = {"trainer_state.json", "all_results.json",   "train_results.json",
                                                   "eval_results.json",  "training_args.yaml", "training_args.json",
                                                   "README.md"};
    return names;
}

TrainingFacts TrainingFacts::read(const std::string& adapterDirectory)
{
    TrainingFacts facts;
    const fs::path dir(adapterDirectory);
    try {
        fs::path statePath = dir / "trainer_state.json";
        std::string stateLabel = "trainer_state.json";
        std::error_code ec;
        if (!fs::exists(statePath, ec)) {
            if (auto latest = latestCheckpointState(dir)) {
                statePath = *latest;
                stateLabel = fs::relative(*latest, dir, ec).generic_string();
                if (ec) {
                    stateLabel = latest->filename().string();
                }
            }
        }
        if (auto state = cj::readFile(statePath.string(), stateLabel, facts.notes)) {
            facts.sources.push_back(stateLabel);
            facts.trainerState = TrainerStateFacts::parse(*state, facts.notes);
        }
        for (const char* name : {"all_results.json", "train_results.json", "eval_results.json"}) {
            if (auto results = cj::readFile((dir / name).string(), name, facts.notes)) {
                facts.sources.emplace_back(name);
                std::map<std::string, double>& metrics = facts.results[name];
                if (!results->is_object()) {
                    facts.notes.push_back(std::string(name) + ": not a JSON object");
                    continue;
                }
                for (auto it = results->begin(); it != results->end(); ++it) {
                    if (auto value = cj::optNumber(*results, it.key())) {
                        metrics[it.key()] = *value;
                    }
                }
            }
        }
        if (auto yaml = cj::readText((dir / "training_args.yaml").string(), "training_args.yaml", facts.notes)) {
            facts.sources.emplace_back("training_args.yaml");
            facts.trainingArgs = TrainingArgsFacts::parseYaml(*yaml, "training_args.yaml", facts.notes);
        }
        if (auto args = cj::readFile((dir / "training_args.json").string(), "training_args.json", facts.notes)) {
            facts.sources.emplace_back("training_args.json");
            auto parsed = TrainingArgsFacts::parseJson(*args, "training_args.json", facts.notes);
            if (!facts.trainingArgs) {
                facts.trainingArgs = std::move(parsed);
            } else if (parsed) {
                facts.notes.push_back("training_args.json: ignored, training_args.yaml read instead");
            }
        }
        if (auto readme = cj::readText((dir / "README.md").string(), "README.md", facts.notes)) {
            FrontMatter front = FrontMatter::parse(*readme);
            if (!front.error.empty()) {
                facts.notes.push_back("README.md: front matter " + front.error);
            } else if (front.present) {
                facts.sources.emplace_back("README.md");
                front.yaml.clear();
                front.body.clear();
                facts.readme = std::move(front);
            }
        }
    } catch (const std::exception& e) {
        // Belt and braces: the readers above do not throw, but a card must never cost a save.
        facts.notes.push_back(std::string("training metadata: ") + e.what());
    }
    return facts;
}

nlohmann::json TrainingFacts::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    j["sources"] = sources;
    j["trainer_state"] = trainerState ? trainerState->toJson() : nlohmann::json(nullptr);
    j["results"] = results;
    j["training_args"] = trainingArgs ? trainingArgs->toJson() : nlohmann::json(nullptr);
    j["adapter_readme"] = readme ? frontMatterJson(*readme) : nlohmann::json(nullptr);
    j["notes"] = notes;
    return j;
}

TrainingFacts TrainingFacts::fromJson(const nlohmann::json& j)
{
    TrainingFacts facts;
    if (!j.is_object()) {
        return facts;
    }
    facts.sources = cj::stringList(j, "sources");
    if (j.contains("trainer_state") && j["trainer_state"].is_object()) {
        facts.trainerState = TrainerStateFacts::fromJson(j["trainer_state"]);
    }
    if (j.contains("results") && j["results"].is_object()) {
        for (auto it = j["results"].begin(); it != j["results"].end(); ++it) {
            facts.results[it.key()] = cj::numberMap(j["results"], it.key());
        }
    }
    if (j.contains("training_args") && j["training_args"].is_object()) {
        facts.trainingArgs = TrainingArgsFacts::fromJson(j["training_args"]);
    }
    if (j.contains("adapter_readme") && j["adapter_readme"].is_object()) {
        facts.readme = frontMatterFromJson(j["adapter_readme"]);
    }
    facts.notes = cj::stringList(j, "notes");
    return facts;
}

} // namespace deepext
