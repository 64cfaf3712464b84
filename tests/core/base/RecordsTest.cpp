#include "deepext/base/Records.h"

#include <gtest/gtest.h>

using namespace deepext;

TEST(DeploymentStatus, OneMappingBothWays_KeepsTheStringsOnDisk)
{
    const std::pair<DeploymentStatus, const char*> expected[] = {
        {DeploymentStatus::Deploying, "deploying"}, {DeploymentStatus::Deployed, "deployed"},
        {DeploymentStatus::Failed, "failed"},       {DeploymentStatus::Cancelled, "cancelled"},
        {DeploymentStatus::Removed, "removed"},     {DeploymentStatus::Interrupted, "interrupted"},
    };
    for (const auto& [status, name] : expected) {
        EXPECT_EQ(deploymentStatusName(status), name);
        EXPECT_EQ(deploymentStatusFromName(name), status) << name;
        DeploymentRecord record;
        record.status = status;
        const nlohmann::json json = record;
        EXPECT_EQ(json["status"], name);
        EXPECT_EQ(json.get<DeploymentRecord>().status, status) << name;
    }
    EXPECT_FALSE(deploymentStatusFromName("Deployed").has_value());
    EXPECT_FALSE(deploymentStatusFromName("").has_value());
}

TEST(DeploymentStatus, UnknownOrMissingOnDisk_ReadsAsFailed)
{
    // A record written by a newer version or edited by hand: nothing is running, so it is not "deploying".
    EXPECT_EQ(nlohmann::json({{"uuid", "u"}, {"status", "paused"}}).get<DeploymentRecord>().status,
              DeploymentStatus::Failed);
    EXPECT_EQ(nlohmann::json({{"uuid", "u"}}).get<DeploymentRecord>().status, DeploymentStatus::Failed);
    EXPECT_EQ(nlohmann::json({{"uuid", "u"}, {"status", 3}}).get<DeploymentRecord>().status, DeploymentStatus::Failed);
}
