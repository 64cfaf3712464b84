#pragma once

#include "gui/IUserPrompts.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <deque>

namespace deepext::gui::test {

// The prompts seam for tests: records every message and answers questions from a script, so no modal box can
// block a test.
class RecordingPrompts final : public IUserPrompts
{
public:
    struct Message
    {
        QString kind; // error | warning | information | confirm (also confirmWithOption) | choose
        QString text;
        QString details;
    };

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

    // Answers, consumed in order; when none is queued, confirm() answers `defaultConfirm`.
    void queueConfirm(bool answer) { m_confirms.push_back(answer); }
    // choose() answers the queued index, else -1 (closed without a choice).
    void queueChoice(int index) { m_choices.push_back(index); }
    // confirmWithOption(): whether it is accepted comes from the confirm queue, the option from this one (else the
    // current option stays). Each offered option list is kept in offeredOptions.
    void queueOption(int index) { m_options.push_back(index); }
    QList<QStringList> offeredOptions;
    void queueFile(const QString& path) { m_files.push_back(path); }
    void queueDirectory(const QString& path) { m_directories.push_back(path); }
    void queueSaveFile(const QString& path) { m_saveFiles.push_back(path); }
    bool defaultConfirm = false;

    QStringList texts(const QString& kind) const;
    int count(const QString& kind) const { return static_cast<int>(texts(kind).size()); }
    const std::deque<Message>& messages() const { return m_messages; }
    void clear() { m_messages.clear(); }

private:
    std::deque<Message> m_messages;
    std::deque<bool> m_confirms;
    std::deque<int> m_choices;
    std::deque<int> m_options;
    std::deque<QString> m_files;
    std::deque<QString> m_directories;
    std::deque<QString> m_saveFiles;
};

} // namespace deepext::gui::test
