#include "deepext/card/TrainingFacts.h"

#include "CardTestUtil.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

using cardtest::realworld;
using deepext::TrainerStateFacts;
using deepext::TrainingFacts;

namespace {

bool hasNoteContaining(const std::vector<std::string>& notes, const std::string& part)
{
    return std::any_of(notes.begin(), notes.end(),
                       [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

} // namespace

// For every real trainer_state.json: final loss = the last "loss" in log_history, best = the smallest, and the
// counters as written. The expected values are computed here independently of the parser.
TEST(TrainingFactsTest, EveryRealTrainerStateMatchesItsLogHistory)
{
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(DEEPEXT_TEST_DATA_DIR) + "/realworld")) {
        if (!std::filesystem::exists(entry.path() / "trainer_state.json")) {
            continue;
        }
        SCOPED_TRACE(entry.path().string());
        const std::string text = std::regex_replace(cardtest::slurp((entry.path() / "trainer_state.json").string()),
                                                    std::regex(R"(:\s*(NaN|-?Infinity))"), ": null");
        const auto state = nlohmann::json::parse(text);
        std::vector<double> losses;
        std::vector<double> evalLosses;
        for (const auto& e : state["log_history"]) {
            if (e.contains("loss") && e["loss"].is_number()) {
                losses.push_back(e["loss"].get<double>());
            }
            if (e.contains("eval_loss") && e["eval_loss"].is_number()) {
                evalLosses.push_back(e["eval_loss"].get<double>());
            }
        }
        const TrainingFacts facts = TrainingFacts::read(entry.path().string());
        ASSERT_TRUE(facts.trainerState.has_value());
        const TrainerStateFacts& s = *facts.trainerState;
        ASSERT_FALSE(losses.empty());
        ASSERT_TRUE(s.finalLoss && s.bestLoss && s.firstLoss);
        EXPECT_EQ(s.finalLoss->loss, losses.back());
        EXPECT_EQ(s.firstLoss->loss, losses.front());
        EXPECT_EQ(s.bestLoss->loss, *std::min_element(losses.begin(), losses.end()));
        EXPECT_EQ(s.lossCount, static_cast<std::int64_t>(losses.size()));
        EXPECT_EQ(s.evalLossCount, static_cast<std::int64_t>(evalLosses.size()));
        if (!evalLosses.empty()) {
            EXPECT_EQ(s.finalEvalLoss->loss, evalLosses.back());
            EXPECT_EQ(s.bestEvalLoss->loss, *std::min_element(evalLosses.begin(), evalLosses.end()));
        } else {
            EXPECT_FALSE(s.finalEvalLoss.has_value());
        }
        EXPECT_EQ(s.globalStep, state["global_step"].get<std::int64_t>());
        EXPECT_EQ(s.epoch.value_or(-1), state["epoch"].get<double>());
        EXPECT_LE(s.lossCurve.size(), TrainerStateFacts::kCurvePoints);
        EXPECT_EQ(s.lossCurve.back().loss, losses.back());
        EXPECT_EQ(s.lossCurve.front().loss, losses.front());
        if (state["best_metric"].is_null()) {
            EXPECT_FALSE(s.bestMetric.has_value());
        } else {
            EXPECT_EQ(s.bestMetric.value_or(-1), state["best_metric"].get<double>());
        }
        ++checked;
    }
    EXPECT_EQ(checked, 11);
}

TEST(TrainingFactsTest, LlamaFactoryFolderHasEverySource)
{
    const TrainingFacts f = TrainingFacts::read(realworld("mitaman__12_mitaman_NusAdil_AI__Model_Lora"));
    EXPECT_EQ(f.sources, (std::vector<std::string>{"trainer_state.json", "all_results.json", "train_results.json",
                                                   "eval_results.json", "training_args.yaml", "README.md"}));
    EXPECT_TRUE(f.notes.empty()) << f.notes.front();
    ASSERT_TRUE(f.trainerState);
    const TrainerStateFacts& s = *f.trainerState;
    EXPECT_EQ(s.finalLoss->loss, 0.6945);
    EXPECT_EQ(s.finalLoss->step, 40);
    EXPECT_EQ(s.bestLoss->loss, 0.6945);
    EXPECT_EQ(s.firstLoss->loss, 1.8392);
    EXPECT_EQ(s.epoch, 20.0);
    EXPECT_EQ(s.numTrainEpochs, 40.0);
    EXPECT_EQ(s.globalStep, 40);
    EXPECT_EQ(s.trainBatchSize, 8);
    EXPECT_EQ(s.learningRateFirst, 2.9265847744427305e-05);
    EXPECT_EQ(s.learningRateLast, 4.623999400308054e-08);
    EXPECT_EQ(s.trainLoss, 1.0595235884189607);
    EXPECT_EQ(s.trainRuntimeSeconds, 62.5984);
    EXPECT_FALSE(s.bestMetric.has_value());
    EXPECT_FALSE(s.bestModelCheckpoint.has_value());
    EXPECT_EQ(s.lossCurve.size(), 8u);

    EXPECT_EQ(f.results.at("all_results.json").at("eval_loss"), 0.8126075863838196);
    EXPECT_EQ(f.results.at("train_results.json").at("train_loss"), 1.0595235884189607);
    EXPECT_EQ(f.results.at("eval_results.json").count("train_loss"), 0u);

    ASSERT_TRUE(f.trainingArgs);
    const auto& a = *f.trainingArgs;
    EXPECT_EQ(a.datasets, std::vector<std::string>{"hukum"});
    EXPECT_EQ(a.templateName, "qwen");
    EXPECT_EQ(a.finetuningType, "lora");
    EXPECT_EQ(a.stage, "sft");
    EXPECT_EQ(a.learningRate, 3.0e-05);
    EXPECT_EQ(a.numTrainEpochs, 40.0);
    EXPECT_EQ(a.perDeviceTrainBatchSize, 8);
    EXPECT_EQ(a.gradientAccumulationSteps, 8);
    EXPECT_EQ(a.cutoffLen, 2048);
    EXPECT_EQ(a.loraRank, 8);
    EXPECT_EQ(a.loraTarget, "all");
    EXPECT_EQ(a.modes, std::vector<std::string>{"train"});
    EXPECT_EQ(a.modelNameOrPath, "Qwen/Qwen2.5-3B-Instruct");

    ASSERT_TRUE(f.readme);
    EXPECT_EQ(f.readme->baseModels, std::vector<std::string>{"unsloth/Qwen2.5-3B-Instruct"});
    EXPECT_EQ(f.readme->license, "other");
}

TEST(TrainingFactsTest, PredictRunArgsAreReportedAsPrediction)
{
    const TrainingFacts f = TrainingFacts::read(realworld("gi7014__SunXiaochuan-V1"));
    ASSERT_TRUE(f.trainingArgs);
    EXPECT_EQ(f.trainingArgs->modes, std::vector<std::string>{"predict"});
    EXPECT_EQ(f.trainingArgs->evalDatasets, std::vector<std::string>{"sunxiaochuan"});
    EXPECT_TRUE(f.trainingArgs->datasets.empty());
    EXPECT_FALSE(f.trainingArgs->learningRate.has_value());
    EXPECT_FALSE(f.trainerState.has_value());
    EXPECT_EQ(f.results.at("all_results.json").at("predict_bleu-4"), 2.2241416);
}

TEST(TrainingFactsTest, OrpoRunResults)
{
    const TrainingFacts f = TrainingFacts::read(realworld("chandlerzuo__rlhf_recsys__outputs"));
    ASSERT_TRUE(f.trainerState);
    EXPECT_EQ(f.trainerState->finalLoss->loss, 0.1345);
    EXPECT_EQ(f.trainerState->bestLoss->loss, 0.0598);
    EXPECT_EQ(f.results.at("eval_results.json").at("eval_loss"), 0.1257188469171524);
    EXPECT_EQ(f.results.at("train_results.json").at("train_runtime"), 789.838);
    EXPECT_EQ(f.readme->license, "other");
}

TEST(TrainingFactsTest, NanInTrainerStateIsANoteNotAFailure)
{
    const TrainingFacts f = TrainingFacts::read(realworld("MattthiasSchedel__DAT55-Project4__results"));
    ASSERT_TRUE(f.trainerState);
    EXPECT_TRUE(hasNoteContaining(f.notes, "trainer_state.json: 1 non-finite number(s)"));
    EXPECT_EQ(f.trainerState->finalLoss->loss, 0.0198);
    EXPECT_EQ(f.trainerState->lossCount, 1000);
}

TEST(TrainingFactsTest, LongHistoryCurveIsSampledWithBothEnds)
{
    const TrainingFacts f = TrainingFacts::read(
        realworld("DigitalIntelligenceCenter-of-ICMM__Baize-Traditional-Chinese-Medicine-Large-Language-Model"));
    ASSERT_TRUE(f.trainerState);
    EXPECT_EQ(f.trainerState->lossCount, 6687);
    EXPECT_EQ(f.trainerState->lossCurve.size(), TrainerStateFacts::kCurvePoints);
    EXPECT_EQ(f.trainerState->lossCurve.back().step, 6687);
    EXPECT_EQ(f.trainerState->finalLoss->loss, 0.0889);
    EXPECT_EQ(f.trainerState->bestLoss->loss, 0.0467);
}

TEST(TrainingFactsTest, BestCheckpointFromTrainerState)
{
    const TrainingFacts f = TrainingFacts::read(realworld("Dev-debasish-09__Nlp_Body_washdata"));
    ASSERT_TRUE(f.trainerState);
    EXPECT_EQ(f.trainerState->bestMetric, 0.865452766418457);
    EXPECT_EQ(f.trainerState->bestModelCheckpoint, "./smolLM-bodywash-finetuned/checkpoint-2600");
    EXPECT_EQ(f.trainerState->bestGlobalStep, 2600);
    EXPECT_EQ(f.trainerState->finalLoss->loss, 0.7104);
    EXPECT_EQ(f.trainerState->bestLoss->loss, 0.5379);
}

TEST(TrainingFactsTest, MalformedFilesBecomeNotes)
{
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    cardtest::writeText(d + "/trainer_state.json", "{\n  \"epoch\": 1.0,\n  \"log_history\": [ oops ]\n}\n");
    cardtest::writeText(d + "/all_results.json", "[1, 2]");
    cardtest::writeText(d + "/training_args.yaml", "dataset: a\n  bad: [\n");
    cardtest::writeText(d + "/README.md", "---\ntags: [x\n---\nbody\n");
    TrainingFacts f;
    ASSERT_NO_THROW(f = TrainingFacts::read(d));
    EXPECT_FALSE(f.trainerState.has_value());
    EXPECT_TRUE(hasNoteContaining(f.notes, "trainer_state.json: not valid JSON at line 3"))
        << ::testing::PrintToString(f.notes);
    EXPECT_TRUE(hasNoteContaining(f.notes, "all_results.json: not a JSON object"));
    EXPECT_TRUE(hasNoteContaining(f.notes, "training_args.yaml: not valid YAML at line"));
    EXPECT_TRUE(hasNoteContaining(f.notes, "README.md: front matter not valid YAML"));
    EXPECT_FALSE(f.trainingArgs.has_value());
    EXPECT_FALSE(f.readme.has_value());
}

TEST(TrainingFactsTest, WrongTypesAreUnknown)
{
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    cardtest::writeText(
        d + "/trainer_state.json",
        R"({"epoch": "three", "global_step": 7, "log_history": [{"loss": "x"}, 5, {"loss": 2.5, "step": 7}]})");
    cardtest::writeText(d + "/training_args.json",
                        R"({"dataset": ["a", "b,c"], "learning_rate": 0.0001, "cutoff_len": "long"})");
    const TrainingFacts f = TrainingFacts::read(d);
    ASSERT_TRUE(f.trainerState);
    EXPECT_FALSE(f.trainerState->epoch.has_value());
    EXPECT_EQ(f.trainerState->globalStep, 7);
    EXPECT_EQ(f.trainerState->lossCount, 1);
    EXPECT_EQ(f.trainerState->finalLoss->loss, 2.5);
    ASSERT_TRUE(f.trainingArgs);
    EXPECT_EQ(f.trainingArgs->datasets, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(f.trainingArgs->learningRate, 0.0001);
    EXPECT_FALSE(f.trainingArgs->cutoffLen.has_value());
}

TEST(TrainingFactsTest, NothingBesideTheAdapter)
{
    QTemporaryDir dir;
    const TrainingFacts f = TrainingFacts::read(dir.path().toStdString());
    EXPECT_TRUE(f.sources.empty());
    EXPECT_TRUE(f.notes.empty());
    EXPECT_FALSE(f.trainerState.has_value());
}

TEST(TrainingFactsTest, TrainerStateFromLatestCheckpoint)
{
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    std::filesystem::create_directories(d + "/checkpoint-50");
    std::filesystem::create_directories(d + "/checkpoint-100");
    cardtest::writeText(d + "/checkpoint-50/trainer_state.json",
                        R"({"global_step": 50, "log_history": [{"loss": 3.0, "step": 50}]})");
    cardtest::writeText(d + "/checkpoint-100/trainer_state.json",
                        R"({"global_step": 100, "log_history": [{"loss": 1.0, "step": 100}]})");
    const TrainingFacts f = TrainingFacts::read(d);
    EXPECT_EQ(f.sources, std::vector<std::string>{"checkpoint-100/trainer_state.json"});
    ASSERT_TRUE(f.trainerState);
    EXPECT_EQ(f.trainerState->globalStep, 100);
}

TEST(TrainingFactsTest, JsonRoundTrip)
{
    const TrainingFacts f = TrainingFacts::read(realworld("mitaman__12_mitaman_NusAdil_AI__Model_Lora"));
    const TrainingFacts back = TrainingFacts::fromJson(f.toJson());
    EXPECT_EQ(back.toJson(), f.toJson());
}
