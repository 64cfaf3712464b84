#pragma once

#include "deepext/base/BaseModelRegistry.h"
#include "deepext/base/DeploymentRegistry.h"
#include "deepext/base/EnvironmentRegistry.h"
#include "deepext/base/Records.h"
#include "deepext/base/TrainedModelRegistry.h"
#include "deepext/base/WorkspaceCleanup.h"
#include "deepext/base/WorkspaceLayout.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace deepext {

// A saved model as found on disk: saved_models/ is the truth, the card supplies the details.
struct SavedModelEntry
{
    std::string name;
    std::string path;
    nlohmann::json card; // model_card.json (empty object when missing or unreadable)
};

// The one directory that holds all state (docs/architecture.md, "The workspace"): its layout (WorkspaceLayout), the
// start-up migration and clean-up (WorkspaceCleanup), one registry class per JSON file (BaseModelRegistry,
// TrainedModelRegistry, EnvironmentRegistry, DeploymentRegistry, each over a RegistryFile: read-modify-write under
// a short workspace lock, landing atomically; readers never lock) and the saved models (saved_models/ is the truth).
// The registry methods here delegate to those classes.
class Workspace
{
public:
    static constexpr int FormatVersion = 1;

    // --workspace, else $DEEPEXT_WORKSPACE, else QStandardPaths::AppLocalDataLocation ("deepext").
    static std::string resolveLocation(const std::string& option);

    // Creates the layout when missing, migrates an older format, refuses a newer one, and removes what crashed
    // operations left in .staging/ and .trash/ (only what no living process holds).
    static Workspace open(const std::string& root, bool cleanUp = true);

    const WorkspaceLayout& layout() const { return m_layout; }
    const std::string& root() const { return m_layout.root(); }
    std::string workspaceFile() const { return m_layout.workspaceFile(); }
    std::string baseModelsFile() const { return m_layout.baseModelsFile(); }
    std::string trainedModelsFile() const { return m_layout.trainedModelsFile(); }
    std::string deploymentsFile() const { return m_layout.deploymentsFile(); }
    std::string savedModelsDir() const { return m_layout.savedModelsDir(); }
    std::string stagingDir() const { return m_layout.stagingDir(); }
    std::string trashDir() const { return m_layout.trashDir(); }
    std::string logsDir() const { return m_layout.logsDir(); }
    std::string locksDir() const { return m_layout.locksDir(); }

    BaseModelRegistry baseModelRegistry() const;
    TrainedModelRegistry trainedModelRegistry() const;
    EnvironmentRegistry environmentRegistry() const;
    DeploymentRegistry deploymentRegistry() const;

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
    // DeploymentRegistry::removeHistory: the failed, cancelled, interrupted and removed records go.
    int removeDeploymentHistory() const;
    std::string deployLockPath(const std::string& uuid) const;

    // Saved models (saved_models/ is the truth).
    std::vector<SavedModelEntry> savedModels() const;
    std::optional<SavedModelEntry> findSavedModel(const std::string& name) const;
    // The directory of a saved model by name, refusing names that would leave saved_models/.
    std::string savedModelPath(const std::string& name) const;
    bool savedModelExists(const std::string& name) const;

    // RegistryFile::update / read of any file of the workspace.
    void updateJsonFile(const std::string& path, const std::function<void(nlohmann::json&)>& mutate) const;
    nlohmann::json readJsonFile(const std::string& path) const;

private:
    explicit Workspace(std::string root);
    void migrate() const;

    WorkspaceLayout m_layout;
};

} // namespace deepext
