#include "RecordingPrompts.h"

namespace deepext::gui::test {

void RecordingPrompts::showError(const QString& message, const QString& details)
{
    m_messages.push_back({QStringLiteral("error"), message, details});
}

void RecordingPrompts::showWarning(const QString& message, const QString& details)
{
    m_messages.push_back({QStringLiteral("warning"), message, details});
}

void RecordingPrompts::showInformation(const QString& title, const QString& message, const QString& details)
{
    m_messages.push_back({QStringLiteral("information"), title + QLatin1Char('\n') + message, details});
}

bool RecordingPrompts::confirm(const QString& title, const QString& question, const QString& details,
                               const QString& acceptText)
{
    Q_UNUSED(acceptText);
    m_messages.push_back({QStringLiteral("confirm"), title + QLatin1Char('\n') + question, details});
    if (m_confirms.empty()) {
        return defaultConfirm;
    }
    const bool answer = m_confirms.front();
    m_confirms.pop_front();
    return answer;
}

int RecordingPrompts::choose(const QString& title, const QString& question, const QStringList& choices,
                             const QString& details)
{
    m_messages.push_back({QStringLiteral("choose"),
                          title + QLatin1Char('\n') + question + QLatin1Char('\n') + choices.join(QLatin1Char('|')),
                          details});
    if (m_choices.empty()) {
        return -1;
    }
    const int answer = m_choices.front();
    m_choices.pop_front();
    return answer;
}

int RecordingPrompts::confirmWithOption(const QString& title, const QString& question, const QString& optionLabel,
                                        const QStringList& options, int current, const QString& acceptText)
{
    offeredOptions << options;
    if (!confirm(title, question + QLatin1Char('\n') + optionLabel + QLatin1Char(' ') + options.value(current), {},
                 acceptText)) {
        return -1;
    }
    if (m_options.empty()) {
        return current;
    }
    const int answer = m_options.front();
    m_options.pop_front();
    return answer;
}

QString RecordingPrompts::askOpenFile(const QString& title, const QString& filter)
{
    Q_UNUSED(filter);
    m_messages.push_back({QStringLiteral("askOpenFile"), title, {}});
    if (m_files.empty()) {
        return {};
    }
    QString path = m_files.front();
    m_files.pop_front();
    return path;
}

QString RecordingPrompts::askDirectory(const QString& title)
{
    m_messages.push_back({QStringLiteral("askDirectory"), title, {}});
    if (m_directories.empty()) {
        return {};
    }
    QString path = m_directories.front();
    m_directories.pop_front();
    return path;
}

QString RecordingPrompts::askSaveFile(const QString& title, const QString& suggestedPath, const QString&)
{
    m_messages.push_back({QStringLiteral("askSaveFile"), title, suggestedPath});
    if (m_saveFiles.empty()) {
        return {};
    }
    QString path = m_saveFiles.front();
    m_saveFiles.pop_front();
    return path;
}

QStringList RecordingPrompts::texts(const QString& kind) const
{
    QStringList out;
    for (const Message& message : m_messages) {
        if (message.kind == kind) {
            out << message.text;
        }
    }
    return out;
}

} // namespace deepext::gui::test
