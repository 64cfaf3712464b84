#pragma once

#include "gui/IUserPrompts.h"

namespace deepext::gui {

// IUserPrompts with QMessageBox and QFileDialog, parented to the active window.
class MessageBoxPrompts final : public IUserPrompts
{
public:
    void showError(const QString& message, const QString& details = {}) override;
    void showWarning(const QString& message, const QString& details = {}) override;
    void showInformation(const QString& title, const QString& message, const QString& details = {}) override;
    bool confirm(const QString& title, const QString& question, const QString& details = {},
                 const QString& acceptText = {}) override;
    int choose(const QString& title, const QString& question, const QStringList& choices,
               const QString& details = {}) override;
    int confirmWithOption(const QString& title, const QString& question, const QString& optionLabel,
                          const QStringList& options, int current, const QString& acceptText = {}) override;
    QString askOpenFile(const QString& title, const QString& filter = {}) override;
    QString askDirectory(const QString& title) override;
    QString askSaveFile(const QString& title, const QString& suggestedPath, const QString& filter = {}) override;
};

} // namespace deepext::gui
