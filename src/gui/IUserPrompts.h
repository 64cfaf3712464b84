#pragma once

#include <QString>
#include <QStringList>

namespace deepext::gui {

// The one seam through which the GUI talks to the user in a modal way: errors, warnings, questions and file
// pickers. The application installs MessageBoxPrompts; tests install a recording stub, so no modal box can block
// a test.
class IUserPrompts
{
public:
    virtual ~IUserPrompts() = default;

    // `message` says what failed and what to do; `details` carries the raw text (a server's answer, a file list).
    virtual void showError(const QString& message, const QString& details = {}) = 0;
    virtual void showWarning(const QString& message, const QString& details = {}) = 0;
    virtual void showInformation(const QString& title, const QString& message, const QString& details = {}) = 0;
    // True when the user accepts. `acceptText` names the accepting button ("Delete"), empty: "OK".
    virtual bool confirm(const QString& title, const QString& question, const QString& details = {},
                         const QString& acceptText = {}) = 0;
    // Several answers, each a button (`choices`, in order, the first the default): the index of the one chosen, or
    // -1 when the question was closed without one.
    virtual int choose(const QString& title, const QString& question, const QStringList& choices,
                       const QString& details = {}) = 0;
    // confirm() with one setting to pick on the way (`optionLabel` beside a list of `options`, `current` selected
    // first): the index picked, or -1 when the user declines.
    virtual int confirmWithOption(const QString& title, const QString& question, const QString& optionLabel,
                                  const QStringList& options, int current, const QString& acceptText = {}) = 0;
    // Empty when the user cancels.
    virtual QString askOpenFile(const QString& title, const QString& filter = {}) = 0;
    virtual QString askDirectory(const QString& title) = 0;
    // A file to write, starting at `suggestedPath`; the picker asks before an existing file is chosen. Empty when the
    // user cancels.
    virtual QString askSaveFile(const QString& title, const QString& suggestedPath, const QString& filter = {}) = 0;
};

} // namespace deepext::gui
