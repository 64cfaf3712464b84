#include "deepext/base/TrainedModelRegistry.h"

#include "deepext/base/Error.h"
#include "deepext/base/Naming.h"

#include <algorithm>

namespace deepext {

TrainedModelRegistry::TrainedModelRegistry(RegistryFile file)
    : m_file(std::move(file))
{
}

std::vector<TrainedModelRecord> TrainedModelRegistry::all() const
{
    return m_file.records<TrainedModelRecord>(Key);
}

std::optional<TrainedModelRecord> TrainedModelRegistry::find(const std::string& name) const
{
    for (auto& record : all()) {
        if (record.name == name) {
            return record;
        }
    }
    return std::nullopt;
}

TrainedModelRecord TrainedModelRegistry::add(TrainedModelRecord record, const std::string& dateStamp) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        const auto unique = naming::drawUniqueName(
            [&](const std::string& uuid) {
                return naming::trainedName(record.baseTechnicalName, record.trainName, dateStamp, uuid);
            },
            [&](const std::string& name) {
                return std::any_of(items.begin(), items.end(),
                                   [&](const nlohmann::json& item) { return item.value("name", "") == name; });
            });
        record.name = unique.name;
        record.uuid = unique.uuid;
        items.push_back(record);
    });
    return record;
}

void TrainedModelRegistry::remove(const std::string& name) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        const auto before = items.size();
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [&](const nlohmann::json& item) { return item.value("name", "") == name; }),
                    items.end());
        if (items.size() == before) {
            throw Error("no trained model named '" + name + "' (see 'deepext-cli trained list')");
        }
    });
}

} // namespace deepext
