#include "deepext/workflow/SaveTask.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/SaveOperation.h"

#include <chrono>

namespace deepext {

SaveTask::SaveTask(const Workspace& workspace, QString trainedName, OutputDtype dtype, QObject* parent)
    : QObject(parent)
    , m_root(QString::fromStdString(workspace.root()))
    , m_trainedName(std::move(trainedName))
    , m_dtype(dtype)
{
    setAutoDelete(false);
}

void SaveTask::requestCancel()
{
    m_cancel.store(true);
}

void SaveTask::run()
{
    try {
        // Opened here, on the worker thread: the task owns no state shared with the GUI thread.
        const Workspace workspace = Workspace::open(m_root.toStdString(), false);
        auto lastEmit = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        const auto outcome = SaveOperation::save(
            workspace, m_trainedName.toStdString(), m_dtype, 0,
            [&](const MergeProgress& progress) {
                // At most ~20 signals a second: the GUI thread must not drown in queued events.
                const auto now = std::chrono::steady_clock::now();
                if (now - lastEmit < std::chrono::milliseconds(50) && progress.bytesDone < progress.bytesTotal) {
                    return;
                }
                lastEmit = now;
                emit progressChanged(static_cast<qint64>(progress.bytesDone), static_cast<qint64>(progress.bytesTotal),
                                     QString::fromStdString(progress.phase));
            },
            m_cancel);
        QStringList warnings;
        for (const auto& warning : outcome.merge.warnings) {
            warnings << QString::fromStdString(warning);
        }
        emit succeeded(QString::fromStdString(outcome.savedName), warnings);
    } catch (const Error& error) {
        if (error.isCancelled()) {
            emit cancelled();
        } else {
            emit failed(QString::fromStdString(error.message()), QString::fromStdString(error.details()));
        }
    } catch (const std::exception& error) {
        emit failed(QString::fromUtf8(error.what()), QString());
    } catch (...) {
        // Nothing may leave run(): the pool's thread would end the process.
        emit failed(QStringLiteral("the save failed with an unexpected error"), QString());
    }
}

} // namespace deepext
