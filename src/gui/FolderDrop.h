#pragma once

#include <QString>

#include <functional>

class QMimeData;
class QObject;

namespace deepext::gui {

class AppContext;

// A folder dropped on a page to register it (Base Models, Trained Models). Anything with URLs may be dragged over
// the page; on the drop the URL is checked (one local folder, read off the GUI thread) and either handed to `open`
// on the GUI thread or refused with a message that says what to drop.
class FolderDrop
{
public:
    static bool offersUrls(const QMimeData* mime);

    // `what` names the folder expected ("base model"), `hint` what is in one ("config.json and *.safetensors").
    static void resolve(AppContext& context, QObject* receiver, const QMimeData* mime, const QString& what,
                        const QString& hint, std::function<void(const QString& folder)> open);
};

} // namespace deepext::gui
