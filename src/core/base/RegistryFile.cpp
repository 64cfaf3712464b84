#include "deepext/base/RegistryFile.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {
namespace {

constexpr int RegistryLockTimeoutMs = 30000;

} // namespace

RegistryFile::RegistryFile(const WorkspaceLayout& layout, std::string path)
    : m_root(layout.root())
    , m_lockPath(layout.registryLockPath())
    , m_path(std::move(path))
{
}

nlohmann::json RegistryFile::read() const
{
    std::error_code ec;
    if (!fs::exists(m_path, ec)) {
        return nlohmann::json::object();
    }
    const std::string text = readWholeFile(m_path);
    if (text.empty()) {
        return nlohmann::json::object();
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error("the registry " + m_path + " is not valid JSON (" + e.what() +
                    "); restore it from a backup or fix it by hand");
    }
}

void RegistryFile::update(const std::function<void(nlohmann::json&)>& mutate) const
{
    OperationLock lock(m_lockPath);
    if (!lock.tryLock(RegistryLockTimeoutMs)) {
        throw Error("the workspace " + m_root +
                    " is locked by another DeepExtension process for more than 30 s; try again");
    }
    nlohmann::json file = read();
    if (file.is_null()) {
        file = nlohmann::json::object();
    }
    mutate(file);
    writeFileAtomically(m_path, file.dump(2) + "\n");
}

nlohmann::json& RegistryFile::arrayOf(nlohmann::json& file, const char* key)
{
    if (!file.contains(key) || !file[key].is_array()) {
        file[key] = nlohmann::json::array();
    }
    return file[key];
}

} // namespace deepext
