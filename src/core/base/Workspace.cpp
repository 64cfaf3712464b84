#include "deepext/base/Workspace.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Naming.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Uuid.h"

#include <QCoreApplication>
#include <QStandardPaths>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {
namespace {

constexpr const char* BaseKey = "base_models";
constexpr const char* TrainedKey = "trained_models";
constexpr const char* DeploymentsKey = "deployments";
constexpr int RegistryLockTimeoutMs = 30000;

template <typename Record>
std::vector<Record> recordsOf(const nlohmann::json& file, const char* key)
{
    std::vector<Record> out;
    if (auto it = file.find(key); it != file.end() && it->is_array()) {
        for (const auto& item : *it) {
            if (item.is_object()) {
                out.push_back(item.get<Record>());
            }
        }
    }
    return out;
}

// A saved model's card, or an empty object when it is missing or unreadable (the entry is still listed).
nlohmann::json readCard(const std::string& modelDirectory)
{
    try {
        return nlohmann::json::parse(readWholeFile(modelDirectory + "/model_card.json"));
    } catch (const std::exception&) {
        return nlohmann::json::object();
    }
}

nlohmann::json& arrayOf(nlohmann::json& file, const char* key)
{
    if (!file.contains(key) || !file[key].is_array()) {
        file[key] = nlohmann::json::array();
    }
    return file[key];
}

} // namespace

Workspace::Workspace(std::string root)
    : m_root(std::move(root))
{
}

std::string Workspace::resolveLocation(const std::string& option)
{
    std::string location = option;
    if (location.empty()) {
        if (const char* env = std::getenv("DEEPEXT_WORKSPACE"); env && *env) {
            location = env;
        }
    }
    if (location.empty()) {
        // Both executables set the application name "deepext", so they share ~/.local/share/deepext.
        location = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation).toStdString();
    }
    if (location.empty()) {
        throw Error("cannot determine a workspace folder: pass --workspace DIR or set DEEPEXT_WORKSPACE");
    }
    std::error_code ec;
    const fs::path absolute = fs::absolute(location, ec);
    return (ec ? fs::path(location) : absolute).lexically_normal().string();
}

Workspace Workspace::open(const std::string& root, bool cleanUp)
{
    Workspace workspace(fs::path(root).lexically_normal().string());
    std::error_code ec;
    if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
        throw Error("the workspace " + root + " is not a folder; choose another with --workspace");
    }
    fs::create_directories(root, ec);
    if (ec) {
        throw Error("cannot create the workspace folder " + root + ": " + ec.message());
    }
    workspace.ensureLayout();
    workspace.migrate();
    logging::setLogDirectory(workspace.logsDir());
    if (cleanUp) {
        const CleanupReport report = workspace.cleanUp();
        for (const auto& removed : report.removed) {
            logging::core()->info("removed leftover of an interrupted operation: {}", removed);
        }
    }
    return workspace;
}

std::string Workspace::workspaceFile() const
{
    return m_root + "/workspace.json";
}
std::string Workspace::baseModelsFile() const
{
    return m_root + "/base_models.json";
}
std::string Workspace::trainedModelsFile() const
{
    return m_root + "/trained_models.json";
}
std::string Workspace::deploymentsFile() const
{
    return m_root + "/deployments.json";
}
std::string Workspace::savedModelsDir() const
{
    return m_root + "/saved_models";
}
std::string Workspace::stagingDir() const
{
    return m_root + "/.staging";
}
std::string Workspace::trashDir() const
{
    return m_root + "/.trash";
}
std::string Workspace::logsDir() const
{
    return m_root + "/logs";
}
std::string Workspace::locksDir() const
{
    return m_root + "/.locks";
}

void Workspace::ensureLayout() const
{
    for (const auto& dir : {savedModelsDir(), stagingDir(), trashDir(), logsDir(), locksDir()}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) {
            throw Error("cannot create " + dir + ": " + ec.message() + " (is the workspace writable?)");
        }
    }
}

void Workspace::migrate() const
{
    // Format 0 (no format_version) kept bare arrays in the registry files; format 1 wraps them in an object.
    const std::vector<std::pair<std::string, const char*>> registries{
        {baseModelsFile(), BaseKey}, {trainedModelsFile(), TrainedKey}, {deploymentsFile(), DeploymentsKey}};
    const bool exists = fs::exists(workspaceFile());
    if (exists) {
        const nlohmann::json current = readJsonFile(workspaceFile());
        const int version = current.value("format_version", 0);
        if (version > FormatVersion) {
            throw Error("the workspace " + m_root + " was written by a newer DeepExtension (format " +
                        std::to_string(version) + "; this version reads format " + std::to_string(FormatVersion) +
                        "): upgrade DeepExtension, or choose another workspace with --workspace");
        }
        if (version == FormatVersion) {
            return;
        }
    }
    updateJsonFile(workspaceFile(), [](nlohmann::json& file) {
        file["format_version"] = FormatVersion;
        arrayOf(file, "environments");
        if (!file.contains("default_environment") || !file["default_environment"].is_string()) {
            file["default_environment"] = "";
        }
    });
    for (const auto& [path, key] : registries) {
        updateJsonFile(path, [key = key](nlohmann::json& file) {
            if (file.is_array()) {
                file = nlohmann::json{{key, file}};
            }
            file["format_version"] = FormatVersion;
            arrayOf(file, key);
        });
    }
    if (exists) {
        logging::core()->info("migrated workspace {} to format {}", m_root, FormatVersion);
    }
}

nlohmann::json Workspace::readJsonFile(const std::string& path) const
{
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        return nlohmann::json::object();
    }
    const std::string text = readWholeFile(path);
    if (text.empty()) {
        return nlohmann::json::object();
    }
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error("the registry " + path + " is not valid JSON (" + e.what() +
                    "); restore it from a backup or fix it by hand");
    }
}

void Workspace::updateJsonFile(const std::string& path, const std::function<void(nlohmann::json&)>& mutate) const
{
    OperationLock lock(m_root + "/.locks/registry.lock");
    if (!lock.tryLock(RegistryLockTimeoutMs)) {
        throw Error("the workspace " + m_root +
                    " is locked by another DeepExtension process for more than 30 s; try again");
    }
    nlohmann::json file = readJsonFile(path);
    if (file.is_null()) {
        file = nlohmann::json::object();
    }
    mutate(file);
    writeFileAtomically(path, file.dump(2) + "\n");
}

CleanupReport Workspace::cleanUp() const
{
    CleanupReport report;
    for (const auto& dir : {stagingDir(), trashDir()}) {
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            const fs::path entry = it->path();
            if (entry.extension() == ".lock") {
                continue;
            }
            const std::string lockPath = entry.string() + ".lock";
            if (OperationLock::isHeldByLivingProcess(lockPath)) {
                report.kept.push_back(entry.string());
                continue;
            }
            std::error_code removeError;
            // remove_all never follows symbolic links: a link inside a half-deleted model is unlinked, its
            // target untouched.
            fs::remove_all(entry, removeError);
            fs::remove(lockPath, removeError);
            report.removed.push_back(entry.string());
        }
    }
    return report;
}

std::vector<BaseModelRecord> Workspace::baseModels() const
{
    return recordsOf<BaseModelRecord>(readJsonFile(baseModelsFile()), BaseKey);
}

std::optional<BaseModelRecord> Workspace::findBaseModel(const std::string& technicalName) const
{
    for (auto& record : baseModels()) {
        if (record.technicalName == technicalName) {
            return record;
        }
    }
    return std::nullopt;
}

void Workspace::addBaseModel(const BaseModelRecord& record) const
{
    updateJsonFile(baseModelsFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, BaseKey);
        for (const auto& item : items) {
            if (item.value("technical_name", "") == record.technicalName) {
                throw Error("a base model named '" + record.technicalName +
                            "' is already registered; choose another --name or remove it first");
            }
        }
        items.push_back(record);
    });
}

void Workspace::setBaseTemplate(const std::string& technicalName, const std::string& text,
                                const std::string& source) const
{
    updateJsonFile(baseModelsFile(), [&](nlohmann::json& file) {
        for (auto& item : arrayOf(file, BaseKey)) {
            if (item.value("technical_name", "") == technicalName) {
                item["template"] = text;
                item["template_source"] = source;
                return;
            }
        }
        throw Error("no base model named '" + technicalName + "' (see 'deepext-cli base list')");
    });
}

void Workspace::removeBaseModel(const std::string& technicalName) const
{
    std::vector<std::string> users;
    for (const auto& trained : trainedModels()) {
        if (trained.baseTechnicalName == technicalName) {
            users.push_back(trained.name);
        }
    }
    if (!users.empty()) {
        std::string list;
        for (const auto& name : users) {
            list += (list.empty() ? "" : ", ") + name;
        }
        throw Error("the base model '" + technicalName + "' is used by trained model(s) " + list +
                    "; remove those first");
    }
    updateJsonFile(baseModelsFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, BaseKey);
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

std::vector<TrainedModelRecord> Workspace::trainedModels() const
{
    return recordsOf<TrainedModelRecord>(readJsonFile(trainedModelsFile()), TrainedKey);
}

std::optional<TrainedModelRecord> Workspace::findTrainedModel(const std::string& name) const
{
    for (auto& record : trainedModels()) {
        if (record.name == name) {
            return record;
        }
    }
    return std::nullopt;
}

TrainedModelRecord Workspace::addTrainedModel(TrainedModelRecord record, const std::string& dateStamp) const
{
    updateJsonFile(trainedModelsFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, TrainedKey);
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

void Workspace::removeTrainedModel(const std::string& name) const
{
    updateJsonFile(trainedModelsFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, TrainedKey);
        const auto before = items.size();
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [&](const nlohmann::json& item) { return item.value("name", "") == name; }),
                    items.end());
        if (items.size() == before) {
            throw Error("no trained model named '" + name + "' (see 'deepext-cli trained list')");
        }
    });
}

std::vector<EnvironmentRecord> Workspace::environments() const
{
    return recordsOf<EnvironmentRecord>(readJsonFile(workspaceFile()), "environments");
}

std::string Workspace::defaultEnvironment() const
{
    const auto file = readJsonFile(workspaceFile());
    const auto it = file.find("default_environment");
    return it != file.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void Workspace::addEnvironment(const EnvironmentRecord& record, bool makeDefault) const
{
    updateJsonFile(workspaceFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, "environments");
        for (const auto& item : items) {
            if (item.value("name", "") == record.name) {
                throw Error("an environment named '" + record.name + "' already exists; remove it first");
            }
        }
        items.push_back(record);
        // The first environment becomes the default: with one server there is nothing to choose.
        if (makeDefault || items.size() == 1) {
            file["default_environment"] = record.name;
        }
    });
}

void Workspace::removeEnvironment(const std::string& name) const
{
    updateJsonFile(workspaceFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, "environments");
        const auto before = items.size();
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [&](const nlohmann::json& item) { return item.value("name", "") == name; }),
                    items.end());
        if (items.size() == before) {
            throw Error("no environment named '" + name + "' (see 'deepext-cli env list')");
        }
        if (file.value("default_environment", "") == name) {
            file["default_environment"] = items.empty() ? "" : items.front().value("name", "");
        }
    });
}

void Workspace::setDefaultEnvironment(const std::string& name) const
{
    updateJsonFile(workspaceFile(), [&](nlohmann::json& file) {
        const auto& items = arrayOf(file, "environments");
        const bool known = std::any_of(items.begin(), items.end(),
                                       [&](const nlohmann::json& item) { return item.value("name", "") == name; });
        if (!known) {
            throw Error("no environment named '" + name + "' (see 'deepext-cli env list')");
        }
        file["default_environment"] = name;
    });
}

std::string Workspace::deployLockPath(const std::string& uuid) const
{
    return locksDir() + "/deploy-" + uuid + ".lock";
}

std::vector<DeploymentRecord> Workspace::deployments() const
{
    auto records = recordsOf<DeploymentRecord>(readJsonFile(deploymentsFile()), DeploymentsKey);
    for (auto& record : records) {
        if (record.status == DeploymentStatus::Deploying &&
            !OperationLock::isHeldByLivingProcess(deployLockPath(record.uuid))) {
            record.status = DeploymentStatus::Interrupted;
        }
    }
    return records;
}

void Workspace::upsertDeployment(const DeploymentRecord& record) const
{
    updateJsonFile(deploymentsFile(), [&](nlohmann::json& file) {
        auto& items = arrayOf(file, DeploymentsKey);
        for (auto& item : items) {
            if (item.value("uuid", "") == record.uuid) {
                item = record;
                return;
            }
        }
        items.push_back(record);
    });
}

std::string Workspace::savedModelPath(const std::string& name) const
{
    if (!naming::isSafePathComponent(name)) {
        throw Error("'" + name + "' is not a valid saved model name");
    }
    return savedModelsDir() + "/" + name;
}

bool Workspace::savedModelExists(const std::string& name) const
{
    if (!naming::isSafePathComponent(name)) {
        return false;
    }
    std::error_code ec;
    const fs::path path = savedModelsDir() + "/" + name;
    // A symbolic link in saved_models/ is not a saved model we own.
    return fs::is_directory(fs::symlink_status(path, ec)) && fs::exists(path / "model_card.json", ec);
}

std::vector<SavedModelEntry> Workspace::savedModels() const
{
    std::vector<SavedModelEntry> out;
    std::error_code ec;
    for (fs::directory_iterator it(savedModelsDir(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!savedModelExists(name)) {
            continue;
        }
        out.push_back({name, it->path().string(), readCard(it->path().string())});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

std::optional<SavedModelEntry> Workspace::findSavedModel(const std::string& name) const
{
    if (!savedModelExists(name)) {
        return std::nullopt;
    }
    const std::string path = savedModelPath(name);
    return SavedModelEntry{name, path, readCard(path)};
}

} // namespace deepext
