#include "deepext/workflow/SavedModelOperations.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/FaultInjection.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Naming.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Sha256.h"
#include "deepext/base/Uuid.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <vector>

namespace fs = std::filesystem;

namespace deepext {
namespace {

std::string hashWithProgress(const std::string& path, std::uint64_t& done, std::uint64_t total,
                             const std::function<void(std::uint64_t, std::uint64_t)>& progress,
                             const std::atomic_bool& cancel)
{
    return Sha256::ofFile(path, [&](std::uint64_t chunk) {
        if (cancel.load()) {
            throw Error::cancelled();
        }
        done += chunk;
        if (progress) {
            progress(done, total);
        }
    });
}

} // namespace

std::vector<DeploymentSummary> SavedModelOperations::deploymentSummaries(const Workspace& workspace,
                                                                         const std::string& savedName)
{
    std::vector<DeploymentSummary> out;
    for (const DeploymentRecord& record : workspace.deployments()) {
        if (record.savedModel == savedName) {
            out.push_back({record.ollamaName, record.environment.empty() ? record.url : record.environment,
                           record.quantization, std::string(deploymentStatusName(record.status)),
                           record.endedAt.empty() ? record.startedAt : record.endedAt});
        }
    }
    return out;
}

carddoc::Document SavedModelOperations::cardDocument(const Workspace& workspace, const std::string& savedName)
{
    if (!workspace.savedModelExists(savedName)) {
        throw Error("no saved model named '" + savedName + "' (see 'deepext-cli list')");
    }
    const ModelCard card = ModelCard::load(workspace.savedModelPath(savedName));
    return ModelCardRenderer::document(card, deploymentSummaries(workspace, savedName));
}

std::string SavedModelOperations::cardText(const Workspace& workspace, const std::string& savedName, CardFormat format)
{
    return ModelCardRenderer::render(cardDocument(workspace, savedName), format);
}

VerifyReport SavedModelOperations::verify(const Workspace& workspace, const std::string& savedName,
                                          const std::function<void(std::uint64_t, std::uint64_t)>& progress,
                                          const std::atomic_bool& cancel)
{
    if (!workspace.savedModelExists(savedName)) {
        throw Error("no saved model named '" + savedName + "' (see 'deepext-cli list')");
    }
    const std::string directory = workspace.savedModelPath(savedName);
    const ModelCard card = ModelCard::load(directory);
    if (card.files.empty()) {
        throw Error("the model card of " + savedName + " lists no files, so there is nothing to verify against");
    }
    std::uint64_t total = 0;
    for (const auto& entry : card.files) {
        total += entry.size;
    }
    VerifyReport report;
    std::uint64_t done = 0;
    std::set<std::string> listed{"model_card.json", "README.md"};
    for (const auto& evaluation : card.evaluations) {
        // Result files of `eval`, kept beside the card.
        if (evaluation.is_object() && evaluation.contains("results") && evaluation["results"].is_string()) {
            listed.insert(evaluation["results"].get<std::string>());
        }
    }
    for (const auto& entry : card.files) {
        listed.insert(entry.path);
        const fs::path relative(entry.path);
        // A manifest edited to point outside the model is reported, never read.
        if (relative.is_absolute() || entry.path.find("..") != std::string::npos) {
            report.changed.push_back(entry.path);
            continue;
        }
        const std::string path = directory + "/" + entry.path;
        std::error_code ec;
        const auto status = fs::symlink_status(path, ec);
        if (!fs::exists(status)) {
            report.missing.push_back(entry.path);
            done += entry.size;
            continue;
        }
        ++report.checked;
        if (!fs::is_regular_file(status) || fs::file_size(path, ec) != entry.size) {
            report.changed.push_back(entry.path);
            done += entry.size;
            continue;
        }
        if (hashWithProgress(path, done, total, progress, cancel) != entry.sha256) {
            report.changed.push_back(entry.path);
        }
    }
    std::error_code ec;
    for (fs::recursive_directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_directory(ec)) {
            const std::string relative = fs::relative(it->path(), directory, ec).generic_string();
            if (!listed.count(relative)) {
                report.unexpected.push_back(relative);
            }
        }
    }
    return report;
}

void SavedModelOperations::remove(const Workspace& workspace, const std::string& savedName)
{
    if (!workspace.savedModelExists(savedName)) {
        std::error_code ec;
        const bool isLink = naming::isSafePathComponent(savedName) &&
                            fs::is_symlink(fs::symlink_status(workspace.savedModelsDir() + "/" + savedName, ec));
        throw Error(isLink ? "saved_models/" + savedName +
                                 " is a symbolic link, not a saved model of this workspace; it was left alone"
                           : "no saved model named '" + savedName + "' (see 'deepext-cli list')");
    }
    for (const auto& record : workspace.deployments()) {
        if (record.savedModel == savedName && record.status == DeploymentStatus::Deploying) {
            throw Error("the saved model " + savedName + " is being deployed (as " + record.ollamaName +
                        "); wait for the deploy to end or cancel it, then delete");
        }
    }
    const std::string source = workspace.savedModelPath(savedName);
    const std::string id = newUuidV4();
    const std::string trash = workspace.trashDir() + "/" + id;
    OperationLock lock(trash + ".lock");
    if (!lock.tryLock(0)) {
        throw Error("cannot lock " + trash);
    }
    // One rename takes the model out of saved_models/ at once; the slow removal happens in .trash/, where a crash
    // leaves nothing that looks like a saved model and the next start finishes the job.
    if (::rename(source.c_str(), trash.c_str()) != 0) {
        const int err = errno;
        lock.unlock();
        std::error_code ec;
        fs::remove(trash + ".lock", ec);
        throw Error("cannot delete " + source + ": " + std::strerror(err));
    }
    syncPath(workspace.savedModelsDir());
    fault::checkpoint("delete-after-rename");
    std::error_code ec;
    // remove_all unlinks symbolic links without following them: a link to a file outside the workspace survives.
    fs::remove_all(trash, ec);
    lock.unlock();
    fs::remove(trash + ".lock", ec);
    if (ec) {
        logging::core()->warn("could not remove all of {}: {} (the next start retries)", trash, ec.message());
    }
    logging::core()->info("deleted saved model {}", savedName);
}

} // namespace deepext
