#include "deepext/card/TrainerStateFacts.h"

#include "CardJson.h"

namespace deepext {

namespace cj = cardjson;

namespace {

LossPoint pointOf(const nlohmann::json& entry, double loss)
{
    LossPoint point;
    point.step = cj::optInteger(entry, "step");
    point.epoch = cj::optNumber(entry, "epoch");
    point.loss = loss;
    return point;
}

nlohmann::json pointJson(const std::optional<LossPoint>& point)
{
    if (!point) {
        return nullptr;
    }
    nlohmann::json j = nlohmann::json::object();
    cj::put(j, "step", point->step);
    cj::put(j, "epoch", point->epoch);
    j["loss"] = point->loss;
    return j;
}

std::optional<LossPoint> pointFromJson(const nlohmann::json& parent, const char* key)
{
    if (!parent.is_object() || !parent.contains(key)) {
        return std::nullopt;
    }
    const nlohmann::json& j = parent[key];
    auto loss = cj::optNumber(j, "loss");
    if (!loss) {
        return std::nullopt;
    }
    return pointOf(j, *loss);
}

} // namespace

TrainerStateFacts TrainerStateFacts::parse(const nlohmann::json& state, std::vector<std::string>& notes)
{
    TrainerStateFacts facts;
    if (!state.is_object()) {
        notes.push_back("trainer_state.json: not a JSON object");
        return facts;
    }
    facts.epoch = cj::optNumber(state, "epoch");
    facts.globalStep = cj::optInteger(state, "global_step");
    facts.maxSteps = cj::optInteger(state, "max_steps");
    facts.numTrainEpochs = cj::optNumber(state, "num_train_epochs");
    facts.trainBatchSize = cj::optInteger(state, "train_batch_size");
    facts.loggingSteps = cj::optInteger(state, "logging_steps");
    facts.evalSteps = cj::optInteger(state, "eval_steps");
    facts.bestMetric = cj::optNumber(state, "best_metric");
    facts.bestModelCheckpoint = cj::optString(state, "best_model_checkpoint");
    facts.bestGlobalStep = cj::optInteger(state, "best_global_step");

    auto history = state.find("log_history");
    if (history == state.end() || !history->is_array()) {
        notes.push_back("trainer_state.json: no log_history");
        return facts;
    }
    std::vector<LossPoint> losses;
    for (const nlohmann::json& entry : *history) {
        if (!entry.is_object()) {
            continue;
        }
        if (auto loss = cj::optNumber(entry, "loss")) {
            losses.push_back(pointOf(entry, *loss));
        }
        if (auto evalLoss = cj::optNumber(entry, "eval_loss")) {
            LossPoint point = pointOf(entry, *evalLoss);
            ++facts.evalLossCount;
            facts.finalEvalLoss = point;
            if (!facts.bestEvalLoss || point.loss < facts.bestEvalLoss->loss) {
                facts.bestEvalLoss = point;
            }
        }
        if (auto rate = cj::optNumber(entry, "learning_rate")) {
            if (!facts.learningRateFirst) {
                facts.learningRateFirst = rate;
            }
            if (!facts.learningRatePeak || *rate > *facts.learningRatePeak) {
                facts.learningRatePeak = rate;
            }
            facts.learningRateLast = rate;
        }
        if (auto trainLoss = cj::optNumber(entry, "train_loss")) {
            facts.trainLoss = trainLoss;
            facts.trainRuntimeSeconds = cj::optNumber(entry, "train_runtime");
            facts.trainSamplesPerSecond = cj::optNumber(entry, "train_samples_per_second");
        }
    }
    facts.lossCount = static_cast<std::int64_t>(losses.size());
    if (!losses.empty()) {
        facts.firstLoss = losses.front();
        facts.finalLoss = losses.back();
        for (const LossPoint& point : losses) {
            if (!facts.bestLoss || point.loss < facts.bestLoss->loss) {
                facts.bestLoss = point;
            }
        }
        if (losses.size() <= kCurvePoints) {
            facts.lossCurve = losses;
        } else {
            const std::size_t last = losses.size() - 1;
            for (std::size_t i = 0; i < kCurvePoints; ++i) {
                // Rounded even spacing; integer math keeps it exact for both ends.
                const std::size_t index = (i * last * 2 + (kCurvePoints - 1)) / ((kCurvePoints - 1) * 2);
                facts.lossCurve.push_back(losses[index]);
            }
        }
    } else {
        notes.push_back("trainer_state.json: log_history has no training loss entries");
    }
    return facts;
}

nlohmann::json TrainerStateFacts::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    cj::put(j, "epoch", epoch);
    cj::put(j, "global_step", globalStep);
    cj::put(j, "max_steps", maxSteps);
    cj::put(j, "num_train_epochs", numTrainEpochs);
    cj::put(j, "train_batch_size", trainBatchSize);
    cj::put(j, "logging_steps", loggingSteps);
    cj::put(j, "eval_steps", evalSteps);
    cj::put(j, "best_metric", bestMetric);
    cj::put(j, "best_model_checkpoint", bestModelCheckpoint);
    cj::put(j, "best_global_step", bestGlobalStep);
    j["loss_count"] = lossCount;
    j["first_loss"] = pointJson(firstLoss);
    j["final_loss"] = pointJson(finalLoss);
    j["best_loss"] = pointJson(bestLoss);
    j["eval_loss_count"] = evalLossCount;
    j["final_eval_loss"] = pointJson(finalEvalLoss);
    j["best_eval_loss"] = pointJson(bestEvalLoss);
    cj::put(j, "learning_rate_first", learningRateFirst);
    cj::put(j, "learning_rate_peak", learningRatePeak);
    cj::put(j, "learning_rate_last", learningRateLast);
    cj::put(j, "train_loss", trainLoss);
    cj::put(j, "train_runtime_seconds", trainRuntimeSeconds);
    cj::put(j, "train_samples_per_second", trainSamplesPerSecond);
    nlohmann::json curve = nlohmann::json::array();
    for (const LossPoint& point : lossCurve) {
        curve.push_back(pointJson(point));
    }
    j["loss_curve"] = std::move(curve);
    return j;
}

TrainerStateFacts TrainerStateFacts::fromJson(const nlohmann::json& j)
{
    TrainerStateFacts facts;
    facts.epoch = cj::optNumber(j, "epoch");
    facts.globalStep = cj::optInteger(j, "global_step");
    facts.maxSteps = cj::optInteger(j, "max_steps");
    facts.numTrainEpochs = cj::optNumber(j, "num_train_epochs");
    facts.trainBatchSize = cj::optInteger(j, "train_batch_size");
    facts.loggingSteps = cj::optInteger(j, "logging_steps");
    facts.evalSteps = cj::optInteger(j, "eval_steps");
    facts.bestMetric = cj::optNumber(j, "best_metric");
    facts.bestModelCheckpoint = cj::optString(j, "best_model_checkpoint");
    facts.bestGlobalStep = cj::optInteger(j, "best_global_step");
    facts.lossCount = cj::optInteger(j, "loss_count").value_or(0);
    facts.firstLoss = pointFromJson(j, "first_loss");
    facts.finalLoss = pointFromJson(j, "final_loss");
    facts.bestLoss = pointFromJson(j, "best_loss");
    facts.evalLossCount = cj::optInteger(j, "eval_loss_count").value_or(0);
    facts.finalEvalLoss = pointFromJson(j, "final_eval_loss");
    facts.bestEvalLoss = pointFromJson(j, "best_eval_loss");
    facts.learningRateFirst = cj::optNumber(j, "learning_rate_first");
    facts.learningRatePeak = cj::optNumber(j, "learning_rate_peak");
    facts.learningRateLast = cj::optNumber(j, "learning_rate_last");
    facts.trainLoss = cj::optNumber(j, "train_loss");
    facts.trainRuntimeSeconds = cj::optNumber(j, "train_runtime_seconds");
    facts.trainSamplesPerSecond = cj::optNumber(j, "train_samples_per_second");
    if (j.is_object() && j.contains("loss_curve") && j["loss_curve"].is_array()) {
        for (const nlohmann::json& item : j["loss_curve"]) {
            if (auto loss = cj::optNumber(item, "loss")) {
                facts.lossCurve.push_back(pointOf(item, *loss));
            }
        }
    }
    return facts;
}

} // namespace deepext
