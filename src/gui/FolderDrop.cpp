#include "gui/FolderDrop.h"

#include "gui/AppContext.h"
#include "gui/IUserPrompts.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

namespace deepext::gui {
namespace {

enum class PathKind
{
    Missing,
    Folder,
    Other,
};

QString tr(const char* text)
{
    return QCoreApplication::translate("deepext::gui::FolderDrop", text);
}

} // namespace

bool FolderDrop::offersUrls(const QMimeData* mime)
{
    return mime && mime->hasUrls();
}

void FolderDrop::resolve(AppContext& context, QObject* receiver, const QMimeData* mime, const QString& what,
                         const QString& hint, std::function<void(const QString&)> open)
{
    const QList<QUrl> urls = mime ? mime->urls() : QList<QUrl>();
    if (urls.size() != 1) {
        context.prompts().showWarning(tr("Drop one %1 folder at a time.").arg(what));
        return;
    }
    const QUrl& url = urls.front();
    if (!url.isLocalFile()) {
        context.prompts().showWarning(
            tr("%1 is not a folder on this computer: drop a %2 folder.").arg(url.toDisplayString(), what));
        return;
    }
    const QString path = QDir::cleanPath(url.toLocalFile());
    // A folder on a slow or hung mount must not freeze the window: the check runs on the pool.
    context.run(
        receiver,
        [path] {
            const QFileInfo info(path);
            return !info.exists() ? PathKind::Missing : (info.isDir() ? PathKind::Folder : PathKind::Other);
        },
        [&context, path, what, hint, open = std::move(open)](JobOutcome<PathKind> outcome) {
            const PathKind kind = outcome.ok() ? *outcome.value : PathKind::Missing;
            if (kind == PathKind::Folder) {
                open(path);
            } else if (kind == PathKind::Missing) {
                context.prompts().showWarning(tr("%1 does not exist: drop a %2 folder.").arg(path, what));
            } else {
                context.prompts().showWarning(
                    tr("%1 is not a folder: drop the %2 folder itself (the one holding %3).").arg(path, what, hint));
            }
        });
}

} // namespace deepext::gui
