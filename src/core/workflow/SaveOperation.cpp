#include "deepext/workflow/SaveOperation.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/FaultInjection.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Naming.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Records.h"
#include "deepext/base/Sha256.h"
#include "deepext/base/Uuid.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardFiles.h"
#include "deepext/merge/LoraMerger.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <linux/fs.h>
#include <memory>
#include <sys/syscall.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace deepext {
namespace {

// rename(2) that fails with EEXIST instead of replacing: publishing never overwrites an existing directory.
void renameNoReplace(const std::string& from, const std::string& to)
{
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
        return;
    }
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY) {
        throw Error("cannot publish the model: " + to + " already exists");
    }
    throw Error("cannot publish the model to " + to + ": " + std::strerror(err));
}

// A staging folder held by this process (its lock tells start-up clean-up to keep out). Whatever happens, the
// lock file goes when this ends; the folder goes too unless it was published (renamed away).
class StagingArea
{
public:
    explicit StagingArea(std::string path)
        : m_path(std::move(path))
        , m_lock(m_path + ".lock")
    {
        if (!m_lock.tryLock(0)) {
            throw Error("cannot lock the staging folder " + m_path);
        }
    }
    ~StagingArea()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec); // nothing is left there once published
        m_lock.unlock();
        fs::remove(m_path + ".lock", ec);
    }
    StagingArea(const StagingArea&) = delete;
    StagingArea& operator=(const StagingArea&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    OperationLock m_lock;
};

// Runs the merge and writes the card into the staging folder (its StagingArea removes it on any failure).
MergeResult mergeAndWriteCard(const MergeRequest& request, CardInputs inputs, const MergeProgressCallback& progress,
                              const std::atomic_bool& cancel)
{
    std::error_code ec;
    fs::create_directories(request.outputDirectory, ec);
    if (ec) {
        throw Error("cannot create the staging folder " + request.outputDirectory + ": " + ec.message());
    }
    const auto started = std::chrono::steady_clock::now();
    MergeResult result = LoraMerger::merge(request, progress, cancel);
    inputs.merge = result;
    if (!inputs.baseTemplateText.empty()) {
        // The base's Deployment Template File as it is now: the saved model deploys with it whatever later happens
        // to the base's registration. In the manifest, so verify checks it too.
        const std::string path = request.outputDirectory + "/" + DeploymentTemplateSnapshot::kFileName;
        writeFileAtomically(path, inputs.baseTemplateText);
        Sha256 hasher;
        hasher.update(inputs.baseTemplateText.data(), inputs.baseTemplateText.size());
        inputs.merge.files.push_back(
            ManifestEntry{DeploymentTemplateSnapshot::kFileName, inputs.baseTemplateText.size(), hasher.finalHex()});
    }
    if (progress) {
        progress({result.bytesWritten, result.bytesWritten, "writing the model card"});
    }
    const ModelCard card = ModelCard::build(inputs);
    writeModelCardFiles(card, request.outputDirectory);
    if (cancel.load()) {
        throw Error::cancelled();
    }
    syncPath(request.outputDirectory);
    logging::merge()->info("merged {} in {:.1f} s", request.outputDirectory,
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return result;
}

} // namespace

SaveOutcome SaveOperation::save(const Workspace& workspace, const std::string& trainedName, OutputDtype dtype,
                                int threads, const MergeProgressCallback& progress, const std::atomic_bool& cancel)
{
    const auto trained = workspace.findTrainedModel(trainedName);
    if (!trained) {
        throw Error("no trained model named '" + trainedName + "' (see 'deepext-cli trained list')");
    }
    const auto base = workspace.findBaseModel(trained->baseTechnicalName);
    if (!base) {
        throw Error("the base model '" + trained->baseTechnicalName + "' of trained model '" + trainedName +
                    "' is no longer registered; add it again with 'deepext-cli base add'");
    }

    // The name comes from trained_models.json, which a user may have edited by hand, and becomes a folder and a
    // lock file name: it must stay one safe path component (no "..", no slash), or the model could land where
    // nothing can show or delete it.
    if (!naming::isSafePathComponent(trained->name)) {
        throw Error("the trained model name '" + trained->name + "' in " + workspace.trainedModelsFile() +
                    " cannot be used as a folder name; register the adapter again with 'deepext-cli trained add'");
    }

    // Reserve the name with a lock of its own, so two saves of the same trained model (GUI and CLI at once)
    // never pick the same name even if their UUIDs share 4 hex digits.
    std::unique_ptr<OperationLock> nameLock;
    const auto unique = naming::drawUniqueName(
        [&](const std::string& uuid) { return naming::savedName(trained->name, uuid); },
        [&](const std::string& name) {
            std::error_code ec;
            if (fs::exists(fs::symlink_status(workspace.savedModelsDir() + "/" + name, ec))) {
                return true;
            }
            auto lock = std::make_unique<OperationLock>(workspace.locksDir() + "/save-" + name + ".lock");
            if (!lock->tryLock(0)) {
                return true;
            }
            nameLock = std::move(lock);
            return false;
        });

    const StagingArea staging(workspace.stagingDir() + "/" + unique.uuid);

    CardInputs inputs;
    inputs.savedName = unique.name;
    inputs.savingUuid = unique.uuid;
    inputs.createdAt = isoNowUtc();
    inputs.baseTechnicalName = base->technicalName;
    inputs.baseDisplayName = base->modelName;
    inputs.baseDirectory = base->path;
    inputs.trainedName = trained->name;
    inputs.trainName = trained->trainName;
    inputs.adapterDirectory = trained->adapterPath;
    inputs.baseTemplateText = base->templateText;
    inputs.baseTemplateSource = base->templateSource;

    SaveOutcome outcome;
    outcome.savedName = unique.name;
    outcome.path = workspace.savedModelsDir() + "/" + unique.name;
    outcome.merge =
        mergeAndWriteCard({base->path, trained->adapterPath, staging.path(), dtype, threads}, inputs, progress, cancel);
    fault::checkpoint("before-publish");
    renameNoReplace(staging.path(), outcome.path);
    syncPath(workspace.savedModelsDir());
    syncPath(workspace.stagingDir());
    logging::core()->info("saved {} as {}", trainedName, unique.name);
    return outcome;
}

SaveOutcome SaveOperation::mergeStandalone(const std::string& baseDirectory, const std::string& adapterDirectory,
                                           const std::string& outputDirectory, OutputDtype dtype, int threads,
                                           const MergeProgressCallback& progress, const std::atomic_bool& cancel)
{
    std::error_code ec;
    const fs::path out = fs::absolute(outputDirectory).lexically_normal();
    const fs::path target = out.filename().empty() ? out.parent_path() : out;
    if (fs::exists(fs::symlink_status(target, ec))) {
        if (!fs::is_directory(fs::symlink_status(target, ec)) || !fs::is_empty(target, ec)) {
            throw Error("the output folder " + target.string() +
                        " already exists and is not empty; choose a new --out (nothing was written)");
        }
    }
    const fs::path parent = target.parent_path();
    if (!fs::is_directory(parent, ec)) {
        throw Error("the folder " + parent.string() + " that should hold --out does not exist");
    }
    // Leftovers of an earlier crashed merge into the same --out are removed when no living process holds them.
    const std::string prefix = "." + target.filename().string() + ".deepext-staging-";
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string leaf = it->path().filename().string();
        if (leaf.rfind(prefix, 0) == 0 && it->path().extension() != ".lock" &&
            !OperationLock::isHeldByLivingProcess(it->path().string() + ".lock")) {
            std::error_code removeError;
            fs::remove_all(it->path(), removeError);
            fs::remove(it->path().string() + ".lock", removeError);
        }
    }

    const std::string uuid = newUuidV4();
    const StagingArea staging((parent / (prefix + uuid)).string());
    CardInputs inputs;
    inputs.savedName = target.filename().string();
    inputs.savingUuid = uuid;
    inputs.createdAt = isoNowUtc();
    const fs::path baseDir = fs::absolute(baseDirectory).lexically_normal();
    const fs::path adapterDir = fs::absolute(adapterDirectory).lexically_normal();
    inputs.baseTechnicalName = (baseDir.filename().empty() ? baseDir.parent_path() : baseDir).filename().string();
    inputs.baseDisplayName = inputs.baseTechnicalName;
    inputs.baseDirectory = baseDir.string();
    inputs.trainedName = (adapterDir.filename().empty() ? adapterDir.parent_path() : adapterDir).filename().string();
    inputs.trainName = inputs.trainedName;
    inputs.adapterDirectory = adapterDir.string();

    SaveOutcome outcome;
    outcome.savedName = inputs.savedName;
    outcome.path = target.string();
    outcome.merge = mergeAndWriteCard({inputs.baseDirectory, inputs.adapterDirectory, staging.path(), dtype, threads},
                                      inputs, progress, cancel);
    fault::checkpoint("before-publish");
    if (fs::exists(fs::symlink_status(target, ec))) {
        fs::remove(target, ec); // the empty folder the user made for --out
    }
    renameNoReplace(staging.path(), target.string());
    syncPath(parent.string());
    return outcome;
}

} // namespace deepext
