#pragma once

#include <QString>

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
    // Empty when the user cancels.
    virtual QString askOpenFile(const QString& title, const QString& filter = {}) = 0;
    virtual QString askDirectory(const QString& title) = 0;
    // A file to write, starting at `suggestedPath`; the picker asks before an existing file is chosen. Empty when the
    // user cancels.
    virtual QString askSaveFile(const QString& title, const QString& suggestedPath, const QString& filter = {}) = 0;
};

} // namespace deepext::gui
