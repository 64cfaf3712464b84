#include "deepext/base/BaseModelRegistry.h"

#include "deepext/base/Error.h"

#include <algorithm>

namespace deepext {

BaseModelRegistry::BaseModelRegistry(RegistryFile file)
    : m_file(std::move(file))
{
}

std::vector<BaseModelRecord> BaseModelRegistry::all() const
{
    return m_file.records<BaseModelRecord>(Key);
}

std::optional<BaseModelRecord> BaseModelRegistry::find(const std::string& technicalName) const
{
    for (auto& record : all()) {
        if (record.technicalName == technicalName) {
            return record;
        }
    }
    return std::nullopt;
}

void BaseModelRegistry::add(const BaseModelRecord& record) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        for (const auto& item : items) {
            if (item.value("technical_name", "") == record.technicalName) {
                throw Error("a base model named '" + record.technicalName +
                            "' is already registered; choose another --name or remove it first");
            }
        }
        items.push_back(record);
    });
}

void BaseModelRegistry::setTemplate(const std::string& technicalName, const std::string& text,
                                    const std::string& source) const
{
    m_file.update([&](nlohmann::json& file) {
        for (auto& item : RegistryFile::arrayOf(file, Key)) {
            if (item.value("technical_name", "") == technicalName) {
                item["template"] = text;
                item["template_source"] = source;
                return;
            }
        }
        throw Error("no base model named '" + technicalName + "' (see 'deepext-cli base list')");
    });
}

void BaseModelRegistry::remove(const std::string& technicalName) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        const auto before = items.size();
        items.erase(std::remove_if(
                        items.begin(), items.end(),
                        [&](const nlohmann::json& item) { return item.value("technical_name", "") == technicalName; }),
                    items.end());
        if (items.size() == before) {
            throw Error("no base model named '" + technicalName + "' (see 'deepext-cli base list')");
        }
    });
}

} // namespace deepext
