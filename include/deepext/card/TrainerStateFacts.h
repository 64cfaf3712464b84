#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

struct LossPoint
{
    std::optional<std::int64_t> step;
    std::optional<double> epoch;
    double loss = 0;
};

// The facts of a Hugging Face Trainer's trainer_state.json (also written by TRL and LLaMA-Factory): progress,
// the loss history (final = the last "loss" entry of log_history, best = the smallest), eval loss, the best
// checkpoint and the learning-rate schedule's end points.
struct TrainerStateFacts
{
    std::optional<double> epoch;
    std::optional<std::int64_t> globalStep;
    std::optional<std::int64_t> maxSteps;
    std::optional<double> numTrainEpochs;
    std::optional<std::int64_t> trainBatchSize;
    std::optional<std::int64_t> loggingSteps;
    std::optional<std::int64_t> evalSteps;

    std::optional<double> bestMetric;
    std::optional<std::string> bestModelCheckpoint;
    std::optional<std::int64_t> bestGlobalStep;

    std::int64_t lossCount = 0; // log_history entries with a finite "loss"
    std::optional<LossPoint> firstLoss;
    std::optional<LossPoint> finalLoss;
    std::optional<LossPoint> bestLoss;
    std::int64_t evalLossCount = 0;
    std::optional<LossPoint> finalEvalLoss;
    std::optional<LossPoint> bestEvalLoss;
    std::optional<double> learningRateFirst;
    std::optional<double> learningRatePeak;
    std::optional<double> learningRateLast;
    // The end-of-training summary entry (train_loss is the Trainer's average over the run).
    std::optional<double> trainLoss;
    std::optional<double> trainRuntimeSeconds;
    std::optional<double> trainSamplesPerSecond;

    std::vector<LossPoint> lossCurve; // at most kCurvePoints, evenly spaced over the history, ends included

    static constexpr std::size_t kCurvePoints = 21;

    // Never throws: fields of the wrong type are unknown, entries without a finite loss are skipped.
    static TrainerStateFacts parse(const nlohmann::json& state, std::vector<std::string>& notes);

    nlohmann::json toJson() const;
    static TrainerStateFacts fromJson(const nlohmann::json& json);
};

} // namespace deepext
