#include "deepext/base/Workspace.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Naming.h"

#include <QCoreApplication>
#include <QStandardPaths>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {
namespace {

// A saved model's card, or an empty object when it is missing or unreadable (the entry is still listed).
nlohmann::json readCard(const std::string& modelDirectory)
{
    try {
        return nlohmann::json::parse(readWholeFile(modelDirectory + "/model_card.json"));
    } catch (const std::exception&) {
        return nlohmann::json::object();
    }
}

} // namespace

Workspace::Workspace(std::string root)
    : m_layout(std::move(root))
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
    workspace.m_layout.ensureFolders();
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

void Workspace::migrate() const
{
    // Format 0 (no format_version) kept bare arrays in the registry files; format 1 wraps them in an object.
    const std::vector<std::pair<std::string, const char*>> registries{{baseModelsFile(), BaseModelRegistry::Key},
                                                                      {trainedModelsFile(), TrainedModelRegistry::Key},
                                                                      {deploymentsFile(), DeploymentRegistry::Key}};
    const bool exists = fs::exists(workspaceFile());
    if (exists) {
        const nlohmann::json current = readJsonFile(workspaceFile());
        const int version = current.value("format_version", 0);
        if (version > FormatVersion) {
            throw Error("the workspace " + root() + " was written by a newer DeepExtension (format " +
                        std::to_string(version) + "; this version reads format " + std::to_string(FormatVersion) +
                        "): upgrade DeepExtension, or choose another workspace with --workspace");
        }
        if (version == FormatVersion) {
            return;
        }
    }
    updateJsonFile(workspaceFile(), [](nlohmann::json& file) {
        file["format_version"] = FormatVersion;
        RegistryFile::arrayOf(file, EnvironmentRegistry::Key);
        if (!file.contains(EnvironmentRegistry::DefaultKey) || !file[EnvironmentRegistry::DefaultKey].is_string()) {
            file[EnvironmentRegistry::DefaultKey] = "";
        }
    });
    for (const auto& [path, key] : registries) {
        updateJsonFile(path, [key = key](nlohmann::json& file) {
            if (file.is_array()) {
                file = nlohmann::json{{key, file}};
            }
            file["format_version"] = FormatVersion;
            RegistryFile::arrayOf(file, key);
        });
    }
    if (exists) {
        logging::core()->info("migrated workspace {} to format {}", root(), FormatVersion);
    }
}

nlohmann::json Workspace::readJsonFile(const std::string& path) const
{
    return RegistryFile(m_layout, path).read();
}

void Workspace::updateJsonFile(const std::string& path, const std::function<void(nlohmann::json&)>& mutate) const
{
    RegistryFile(m_layout, path).update(mutate);
}

CleanupReport Workspace::cleanUp() const
{
    return WorkspaceCleanup::run(m_layout);
}

BaseModelRegistry Workspace::baseModelRegistry() const
{
    return BaseModelRegistry(RegistryFile(m_layout, baseModelsFile()));
}

TrainedModelRegistry Workspace::trainedModelRegistry() const
{
    return TrainedModelRegistry(RegistryFile(m_layout, trainedModelsFile()));
}

EnvironmentRegistry Workspace::environmentRegistry() const
{
    return EnvironmentRegistry(RegistryFile(m_layout, workspaceFile()));
}

DeploymentRegistry Workspace::deploymentRegistry() const
{
    return DeploymentRegistry(RegistryFile(m_layout, deploymentsFile()), m_layout);
}

std::vector<BaseModelRecord> Workspace::baseModels() const
{
    return baseModelRegistry().all();
}

std::optional<BaseModelRecord> Workspace::findBaseModel(const std::string& technicalName) const
{
    return baseModelRegistry().find(technicalName);
}

void Workspace::addBaseModel(const BaseModelRecord& record) const
{
    baseModelRegistry().add(record);
}

void Workspace::setBaseTemplate(const std::string& technicalName, const std::string& text,
                                const std::string& source) const
{
    baseModelRegistry().setTemplate(technicalName, text, source);
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
    baseModelRegistry().remove(technicalName);
}

std::vector<TrainedModelRecord> Workspace::trainedModels() const
{
    return trainedModelRegistry().all();
}

std::optional<TrainedModelRecord> Workspace::findTrainedModel(const std::string& name) const
{
    return trainedModelRegistry().find(name);
}

TrainedModelRecord Workspace::addTrainedModel(TrainedModelRecord record, const std::string& dateStamp) const
{
    return trainedModelRegistry().add(std::move(record), dateStamp);
}

void Workspace::removeTrainedModel(const std::string& name) const
{
    trainedModelRegistry().remove(name);
}

std::vector<EnvironmentRecord> Workspace::environments() const
{
    return environmentRegistry().all();
}

std::string Workspace::defaultEnvironment() const
{
    return environmentRegistry().defaultName();
}

void Workspace::addEnvironment(const EnvironmentRecord& record, bool makeDefault) const
{
    environmentRegistry().add(record, makeDefault);
}

void Workspace::removeEnvironment(const std::string& name) const
{
    environmentRegistry().remove(name);
}

void Workspace::setDefaultEnvironment(const std::string& name) const
{
    environmentRegistry().setDefault(name);
}

std::string Workspace::deployLockPath(const std::string& uuid) const
{
    return m_layout.deployLockPath(uuid);
}

std::vector<DeploymentRecord> Workspace::deployments() const
{
    return deploymentRegistry().all();
}

void Workspace::upsertDeployment(const DeploymentRecord& record) const
{
    deploymentRegistry().upsert(record);
}

int Workspace::removeDeploymentHistory() const
{
    return deploymentRegistry().removeHistory();
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
