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

} // namespace deepext
