#include "deepext/workflow/EvaluationLog.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardFiles.h"

#include <QDateTime>

#include <atomic>
#include <filesystem>

namespace deepext {

std::string EvaluationLog::add(const Workspace& workspace, const std::string& savedModel, nlohmann::json summary,
                               const std::string& resultLines)
{
    if (!workspace.savedModelExists(savedModel)) {
        throw Error("the saved model " + savedModel + " is gone, so the evaluation cannot be kept with its card");
    }
    const std::string directory = workspace.savedModelPath(savedModel);
    const std::string stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz'Z'")).toStdString();
    const std::string relative = "evaluations/eval-" + stamp + ".jsonl";
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(directory) / "evaluations", ec);
    if (ec) {
        throw Error("cannot create " + directory + "/evaluations: " + ec.message());
    }
    // The results first: a card never names a file that is not there.
    writeFileAtomically(directory + "/" + relative, resultLines);
    // Under the card lock: a concurrent export, GGUF deploy or evaluation of this model keeps its own entry.
    OperationLock cardLock(workspace.layout().cardLockPath(savedModel));
    const std::atomic_bool never{false};
    cardLock.lockUnlessCancelled(never);
    ModelCard card = ModelCard::load(directory);
    summary["results"] = relative;
    card.evaluations.push_back(std::move(summary));
    writeModelCardFiles(card, directory);
    return relative;
}

} // namespace deepext
