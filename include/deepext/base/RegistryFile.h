#pragma once

#include "deepext/base/WorkspaceLayout.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace deepext {

// One JSON file of the workspace's registries, and the one way to change it: read-modify-write under the
// workspace's registry lock (a QLockFile, waited for up to 30 s), landing with temp file + fsync + rename. Readers
// never lock: they see the old file or the new one.
class RegistryFile
{
public:
    RegistryFile(const WorkspaceLayout& layout, std::string path);

    const std::string& path() const { return m_path; }

    // The parsed file; an empty object when it is missing or empty. Throws when it is not valid JSON.
    nlohmann::json read() const;
    // Runs `mutate` on the parsed file under the lock and writes the result atomically. An exception from
    // `mutate` leaves the file as it was.
    void update(const std::function<void(nlohmann::json&)>& mutate) const;

    // The records under `key` (objects only; anything else is skipped).
    template <typename Record>
    std::vector<Record> records(const char* key) const
    {
        std::vector<Record> out;
        const nlohmann::json file = read();
        if (auto it = file.find(key); it != file.end() && it->is_array()) {
            for (const auto& item : *it) {
                if (item.is_object()) {
                    out.push_back(item.get<Record>());
                }
            }
        }
        return out;
    }

    // The array under `key`, created (or replaced, when it is something else) as an empty one.
    static nlohmann::json& arrayOf(nlohmann::json& file, const char* key);

private:
    std::string m_root;
    std::string m_lockPath;
    std::string m_path;
};

} // namespace deepext
