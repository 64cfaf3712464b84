#pragma once

#include "deepext/merge/MergeTypes.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// Modules merged with the same rank, alpha, scaling and DoRA flag: one group when the scaling is uniform.
struct ScalingGroup
{
    int rank = 0;
    double alpha = 0;
    double scaling = 0;
    bool dora = false;
    std::vector<std::string> modules;
};

// What the merge did, from its MergeResult, plus the app that did it.
struct MergeFacts
{
    std::optional<std::string> appVersion;
    std::optional<std::string> outputDtype;
    std::optional<int> tensorsMerged;
    std::optional<int> tensorsReplaced;
    std::optional<int> tensorsCopied;
    std::vector<ScalingGroup> scalingGroups; // in order of first appearance
    std::vector<std::string> warnings;
    std::vector<std::string> configChanges;
    std::optional<double> durationSeconds;
    std::optional<std::uint64_t> bytesWritten;

    static MergeFacts fromResult(const MergeResult& result, const std::string& appVersion);
    static std::vector<ScalingGroup> groupScalings(const std::vector<ModuleScaling>& scalings);
    bool scalingUniform() const { return scalingGroups.size() == 1; }

    nlohmann::json toJson() const;
    static MergeFacts fromJson(const nlohmann::json& json);
};

} // namespace deepext
