#include "deepext/base/DeploymentRegistry.h"

#include "deepext/base/OperationLock.h"

namespace deepext {

DeploymentRegistry::DeploymentRegistry(RegistryFile file, WorkspaceLayout layout)
    : m_file(std::move(file))
    , m_layout(std::move(layout))
{
}

std::vector<DeploymentRecord> DeploymentRegistry::all() const
{
    auto records = m_file.records<DeploymentRecord>(Key);
    for (auto& record : records) {
        if (record.status == DeploymentStatus::Deploying &&
            !OperationLock::isHeldByLivingProcess(m_layout.deployLockPath(record.uuid))) {
            record.status = DeploymentStatus::Interrupted;
        }
    }
    return records;
}

void DeploymentRegistry::upsert(const DeploymentRecord& record) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        for (auto& item : items) {
            if (item.value("uuid", "") == record.uuid) {
                item = record;
                return;
            }
        }
        items.push_back(record);
    });
}

int DeploymentRegistry::removeHistory() const
{
    int removed = 0;
    m_file.update([&](nlohmann::json& file) {
        removed = 0;
        auto& items = RegistryFile::arrayOf(file, Key);
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& item : items) {
            DeploymentRecord record = item;
            const bool running = record.status == DeploymentStatus::Deploying &&
                                 OperationLock::isHeldByLivingProcess(m_layout.deployLockPath(record.uuid));
            if (record.status == DeploymentStatus::Deployed || running) {
                kept.push_back(item);
            } else {
                ++removed;
            }
        }
        items = std::move(kept);
    });
    return removed;
}

} // namespace deepext
