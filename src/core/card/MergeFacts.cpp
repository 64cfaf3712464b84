#include "deepext/card/MergeFacts.h"

#include "CardJson.h"

namespace deepext {

namespace cj = cardjson;

std::vector<ScalingGroup> MergeFacts::groupScalings(const std::vector<ModuleScaling>& scalings)
{
    std::vector<ScalingGroup> groups;
    for (const ModuleScaling& s : scalings) {
        ScalingGroup* group = nullptr;
        for (ScalingGroup& g : groups) {
            // Exact comparison: the values come from the same formula, so equal inputs give equal doubles.
            if (g.rank == s.rank && g.alpha == s.alpha && g.scaling == s.scaling && g.dora == s.dora) {
                group = &g;
                break;
            }
        }
        if (!group) {
            groups.push_back(ScalingGroup{s.rank, s.alpha, s.scaling, s.dora, {}});
            group = &groups.back();
        }
        group->modules.push_back(s.module);
    }
    return groups;
}

MergeFacts MergeFacts::fromResult(const MergeResult& result, const std::string& appVersion)
{
    MergeFacts facts;
    facts.appVersion = appVersion;
    facts.outputDtype = result.outputDtype.empty() ? std::nullopt : std::optional<std::string>(result.outputDtype);
    facts.tensorsMerged = result.tensorsMerged;
    facts.tensorsReplaced = result.tensorsReplaced;
    facts.tensorsCopied = result.tensorsCopied;
    facts.scalingGroups = groupScalings(result.scalings);
    facts.warnings = result.warnings;
    facts.configChanges = result.configChanges;
    facts.durationSeconds = result.durationSeconds;
    facts.bytesWritten = result.bytesWritten;
    return facts;
}

nlohmann::json MergeFacts::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    cj::put(j, "app_version", appVersion);
    cj::put(j, "output_dtype", outputDtype);
    cj::put(j, "tensors_merged", tensorsMerged);
    cj::put(j, "tensors_replaced", tensorsReplaced);
    cj::put(j, "tensors_copied", tensorsCopied);
    nlohmann::json groups = nlohmann::json::array();
    for (const ScalingGroup& g : scalingGroups) {
        groups.push_back({{"rank", g.rank},
                          {"alpha", g.alpha},
                          {"scaling", g.scaling},
                          {"dora", g.dora},
                          {"module_count", g.modules.size()},
                          {"modules", g.modules}});
    }
    j["scaling_uniform"] = scalingUniform();
    j["scaling_groups"] = std::move(groups);
    j["warnings"] = warnings;
    j["config_changes"] = configChanges;
    cj::put(j, "duration_seconds", durationSeconds);
    cj::put(j, "bytes_written", bytesWritten);
    return j;
}

MergeFacts MergeFacts::fromJson(const nlohmann::json& j)
{
    MergeFacts facts;
    facts.appVersion = cj::optString(j, "app_version");
    facts.outputDtype = cj::optString(j, "output_dtype");
    auto asInt = [&](const char* key) -> std::optional<int> {
        auto value = cj::optInteger(j, key);
        if (!value) {
            return std::nullopt;
        }
        return static_cast<int>(*value);
    };
    facts.tensorsMerged = asInt("tensors_merged");
    facts.tensorsReplaced = asInt("tensors_replaced");
    facts.tensorsCopied = asInt("tensors_copied");
    if (j.is_object() && j.contains("scaling_groups") && j["scaling_groups"].is_array()) {
        for (const nlohmann::json& g : j["scaling_groups"]) {
            ScalingGroup group;
            group.rank = static_cast<int>(cj::optInteger(g, "rank").value_or(0));
            group.alpha = cj::optNumber(g, "alpha").value_or(0);
            group.scaling = cj::optNumber(g, "scaling").value_or(0);
            group.dora = cj::optBool(g, "dora").value_or(false);
            group.modules = cj::stringList(g, "modules");
            facts.scalingGroups.push_back(std::move(group));
        }
    }
    facts.warnings = cj::stringList(j, "warnings");
    facts.configChanges = cj::stringList(j, "config_changes");
    facts.durationSeconds = cj::optNumber(j, "duration_seconds");
    facts.bytesWritten = cj::optUnsigned(j, "bytes_written");
    return facts;
}

} // namespace deepext
