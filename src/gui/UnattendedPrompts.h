#pragma once

#include "gui/IUserPrompts.h"

namespace deepext::gui {

// IUserPrompts for a window that nobody watches (`deepext --quit-when-ready`): errors and warnings go to stderr
// and the log, questions are declined and pickers cancelled, so no modal box can keep the process waiting.
class UnattendedPrompts final : public IUserPrompts
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

    int errorCount() const { return m_errorCount; }

private:
    int m_errorCount = 0;
};

} // namespace deepext::gui
