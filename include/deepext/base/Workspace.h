#pragma once

#include "deepext/base/Records.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

class OperationLock;

// A saved model as found on disk: saved_models/ is the truth, the card supplies the details.
struct SavedModelEntry
{
    std::string name;
    std::string path;
    nlohmann::json card; // model_card.json (empty object when missing or unreadable)
};

struct CleanupReport
{
    std::vector<std::string> removed; // leftovers of crashed saves/deletes/deploys that were removed
    std::vector<std::string> kept;    // held by a living process
};

// The one directory that holds all state (product.md, "The workspace"). Registry writes are read-modify-write
// under a short workspace lock and land atomically; readers never lock (they see the old or the new file).
class Workspace
{
public:
    static constexpr int FormatVersion = 1;

    // --workspace, else $DEEPEXT_WORKSPACE, else QStandardPaths::AppLocalDataLocation ("deepext").
    static std::string resolveLocation(const std::string& option);

    // Creates the layout when missing, migrates an older format, refuses a newer one, and removes what crashed
    // operations left in .staging/ and .trash/ (only what no living process holds).
    static Workspace open(const std::string& root, bool cleanUp = true);

    const std::string& root() const { return m_root; }
    std::string workspaceFile() const;
    std::string baseModelsFile() const;
    std::string trainedModelsFile() const;
    std::string deploymentsFile() const;
    std::string savedModelsDir() const;
    std::string stagingDir() const;
    std::string trashDir() const;
    std::string logsDir() const;
    std::string locksDir() const;

    CleanupReport cleanUp() const;

    // Base models.
    std::vector<BaseModelRecord> baseModels() const;
    std::optional<BaseModelRecord> findBaseModel(const std::string& technicalName) const;
    void addBaseModel(const BaseModelRecord& record) const;
    void setBaseTemplate(const std::string& technicalName, const std::string& text, const std::string& source) const;
    void removeBaseModel(const std::string& technicalName) const;

    // Trained models.
    std::vector<TrainedModelRecord> trainedModels() const;
    std::optional<TrainedModelRecord> findTrainedModel(const std::string& name) const;
    // Draws the name (collision: new UUID) and registers it under one lock, so concurrent adds never clash.
    TrainedModelRecord addTrainedModel(TrainedModelRecord record, const std::string& dateStamp) const;
    void removeTrainedModel(const std::string& name) const;

    // Deployment environments.
    std::vector<EnvironmentRecord> environments() const;
    std::string defaultEnvironment() const;
    void addEnvironment(const EnvironmentRecord& record, bool makeDefault) const;
    void removeEnvironment(const std::string& name) const;
    void setDefaultEnvironment(const std::string& name) const;

    // Deployment records. A record left "deploying" whose deploy lock no living process holds reads "interrupted".
    std::vector<DeploymentRecord> deployments() const;
    void upsertDeployment(const DeploymentRecord& record) const;
    std::string deployLockPath(const std::string& uuid) const;

    // Saved models (saved_models/ is the truth).
    std::vector<SavedModelEntry> savedModels() const;
    std::optional<SavedModelEntry> findSavedModel(const std::string& name) const;
    // The directory of a saved model by name, refusing names that would leave saved_models/.
    std::string savedModelPath(const std::string& name) const;
    bool savedModelExists(const std::string& name) const;

    // Runs `mutate` on the parsed registry file under the workspace lock and writes the result atomically.
    void updateJsonFile(const std::string& path, const std::function<void(nlohmann::json&)>& mutate) const;
    nlohmann::json readJsonFile(const std::string& path) const;

private:
    explicit Workspace(std::string root);
    void ensureLayout() const;
    void migrate() const;

    std::string m_root;
};

} // namespace deepext
