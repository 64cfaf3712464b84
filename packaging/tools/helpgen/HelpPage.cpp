#include "HelpPage.h"

#include <QRegularExpression>

#include <stdexcept>

namespace deepext::helpgen {

HelpPage HelpPage::parse(const QString& text)
{
    HelpPage page;
    const QStringList lines = text.split(QLatin1Char('\n'));
    qsizetype index = 0;
    while (index < lines.size() && lines.at(index).trimmed().isEmpty()) {
        ++index;
    }
    const QString usageMarker = QStringLiteral("Usage: ");
    if (index >= lines.size() || !lines.at(index).startsWith(usageMarker)) {
        throw std::runtime_error("the help text does not start with \"Usage: \"");
    }
    page.m_usage = lines.at(index).mid(usageMarker.size()).trimmed();
    ++index;
    for (; index < lines.size() && !lines.at(index).trimmed().isEmpty(); ++index) {
        if (lines.at(index).endsWith(QLatin1Char(':')) && !lines.at(index).startsWith(QLatin1Char(' '))) {
            break;
        }
        page.m_description.append(lines.at(index).trimmed());
    }

    // "  term   text": the term ends at the first run of two spaces; continuation lines are indented further.
    static const QRegularExpression entryLine(QStringLiteral("^  (\\S.*?)(?:\\s{2,}(\\S.*))?$"));
    HelpSection* section = nullptr;
    for (; index < lines.size(); ++index) {
        const QString& line = lines.at(index);
        if (line.trimmed().isEmpty()) {
            section = nullptr;
            continue;
        }
        if (!line.startsWith(QLatin1Char(' '))) {
            if (line.endsWith(QLatin1Char(':'))) {
                page.m_sections.append({line.chopped(1), {}});
                section = &page.m_sections.last();
            } else {
                section = nullptr;
                page.m_notes.append(line.trimmed());
            }
            continue;
        }
        if (section == nullptr) {
            page.m_notes.append(line.trimmed());
            continue;
        }
        if (line.startsWith(QLatin1String("   ")) && !section->entries.isEmpty()) {
            HelpEntry& last = section->entries.last();
            last.text += (last.text.isEmpty() ? QString() : QStringLiteral(" ")) + line.trimmed();
            continue;
        }
        const QRegularExpressionMatch match = entryLine.match(line);
        section->entries.append({match.captured(1).trimmed(), match.captured(2).trimmed()});
    }
    return page;
}

HelpOption HelpPage::parseOption(const HelpEntry& entry)
{
    HelpOption option;
    option.text = entry.text;
    // "-h, --help" | "--name <TECH>" | "--workspace DIR"
    for (const QString& part : entry.term.split(QStringLiteral(", "))) {
        const QStringList words = part.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.isEmpty()) {
            continue;
        }
        option.names.append(words.first());
        if (words.size() > 1) {
            QString value = words.at(1);
            if (value.startsWith(QLatin1Char('<')) && value.endsWith(QLatin1Char('>'))) {
                value = value.mid(1, value.size() - 2);
            }
            option.valueName = value;
        }
    }
    return option;
}

QList<HelpEntry> HelpPage::entries(const QString& word) const
{
    for (const HelpSection& section : m_sections) {
        if (section.heading.contains(word, Qt::CaseInsensitive)) {
            return section.entries;
        }
    }
    return {};
}

QList<HelpOption> HelpPage::options() const
{
    QList<HelpOption> options;
    for (const HelpSection& section : m_sections) {
        if (!section.heading.contains(QLatin1String("option"), Qt::CaseInsensitive)) {
            continue;
        }
        for (const HelpEntry& entry : section.entries) {
            if (entry.term.startsWith(QLatin1Char('-'))) {
                options.append(parseOption(entry));
            }
        }
    }
    return options;
}

} // namespace deepext::helpgen
