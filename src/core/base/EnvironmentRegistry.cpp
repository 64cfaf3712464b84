#include "deepext/base/EnvironmentRegistry.h"

#include "deepext/base/Error.h"

#include <algorithm>

namespace deepext {

EnvironmentRegistry::EnvironmentRegistry(RegistryFile file)
    : m_file(std::move(file))
{
}

std::vector<EnvironmentRecord> EnvironmentRegistry::all() const
{
    return m_file.records<EnvironmentRecord>(Key);
}

std::string EnvironmentRegistry::defaultName() const
{
    const auto file = m_file.read();
    const auto it = file.find(DefaultKey);
    return it != file.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void EnvironmentRegistry::add(const EnvironmentRecord& record, bool makeDefault) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        for (const auto& item : items) {
            if (item.value("name", "") == record.name) {
                throw Error("an environment named '" + record.name + "' already exists; remove it first");
            }
        }
        items.push_back(record);
        // The first environment becomes the default: with one server there is nothing to choose.
        if (makeDefault || items.size() == 1) {
            file[DefaultKey] = record.name;
        }
    });
}

void EnvironmentRegistry::remove(const std::string& name) const
{
    m_file.update([&](nlohmann::json& file) {
        auto& items = RegistryFile::arrayOf(file, Key);
        const auto before = items.size();
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [&](const nlohmann::json& item) { return item.value("name", "") == name; }),
                    items.end());
        if (items.size() == before) {
            throw Error("no environment named '" + name + "' (see 'deepext-cli env list')");
        }
        if (file.value(DefaultKey, "") == name) {
            file[DefaultKey] = items.empty() ? "" : items.front().value("name", "");
        }
    });
}

void EnvironmentRegistry::setDefault(const std::string& name) const
{
    m_file.update([&](nlohmann::json& file) {
        const auto& items = RegistryFile::arrayOf(file, Key);
        const bool known = std::any_of(items.begin(), items.end(),
                                       [&](const nlohmann::json& item) { return item.value("name", "") == name; });
        if (!known) {
            throw Error("no environment named '" + name + "' (see 'deepext-cli env list')");
        }
        file[DefaultKey] = name;
    });
}

} // namespace deepext
