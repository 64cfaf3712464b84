#include "ManPageWriter.h"

#include <QRegularExpression>

#include <algorithm>
#include <stdexcept>

namespace deepext::helpgen {
namespace {

bool isHelpOption(const HelpEntry& entry)
{
    const QStringList names = HelpPage::parseOption(entry).names;
    return names.contains(QLatin1String("--help"));
}

// True when every command below `command` lists -h, --help among its options (so the page says it once).
bool everyCommandHasHelp(const CommandHelp& command)
{
    for (const CommandHelp& child : command.children) {
        if (child.children.empty()) {
            const QList<HelpEntry> options = child.page.entries(QStringLiteral("option"));
            if (std::none_of(options.begin(), options.end(), isHelpOption)) {
                return false;
            }
        } else if (!everyCommandHasHelp(child)) {
            return false;
        }
    }
    return true;
}

QString withoutFinalPeriod(QString text)
{
    if (text.endsWith(QLatin1Char('.'))) {
        text.chop(1);
    }
    return text;
}

} // namespace

QString ManPageWriter::escape(const QString& text)
{
    QString out;
    out.reserve(text.size() + 16);
    for (const char32_t c : text.toUcs4()) {
        switch (c) {
        case U'\\':
            out += QStringLiteral("\\e");
            break;
        case U'-':
            // A minus sign, so options and names copy as typed (a bare '-' may render as a hyphen).
            out += QStringLiteral("\\-");
            break;
        case U'"':
            out += QStringLiteral("\\(dq");
            break;
        case U'\'':
            out += QStringLiteral("\\(aq");
            break;
        case U'`':
            out += QStringLiteral("\\(ga");
            break;
        case U'~':
            out += QStringLiteral("\\(ti");
            break;
        case U'^':
            out += QStringLiteral("\\(ha");
            break;
        default:
            if (c < 0x80) {
                out += QChar(static_cast<char16_t>(c));
            } else {
                out += QStringLiteral("\\[u%1]").arg(
                    QString::number(static_cast<uint>(c), 16).toUpper().rightJustified(4, QLatin1Char('0')));
            }
        }
    }
    // A text line must not start with a control character.
    if (out.startsWith(QLatin1Char('.'))) {
        out.prepend(QStringLiteral("\\&"));
    }
    return out;
}

QString ManPageWriter::synopsis(const QString& usage, qsizetype commandWords)
{
    static const QRegularExpression placeholder(QStringLiteral("^(<[^>]+>|[A-Z][A-Z0-9_]*(=[A-Z0-9_]+)?)$"));
    QStringList parts;
    const QStringList tokens = usage.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        QString core = tokens.at(i);
        QString before;
        QString after;
        while (core.startsWith(QLatin1Char('['))) {
            before += core.front();
            core.remove(0, 1);
        }
        for (const QString& tail : {QStringLiteral("..."), QStringLiteral("]"), QStringLiteral("|")}) {
            while (core.endsWith(tail) && core.size() > tail.size()) {
                after.prepend(tail);
                core.chop(tail.size());
            }
        }
        QString styled = escape(core);
        if (core.startsWith(QLatin1Char('-')) || i < commandWords) {
            styled = QStringLiteral("\\fB") + styled + QStringLiteral("\\fR");
        } else if (core == QLatin1String("options") || placeholder.match(core).hasMatch()) {
            styled = QStringLiteral("\\fI") + styled + QStringLiteral("\\fR");
        }
        parts.append(escape(before) + styled + escape(after));
    }
    return parts.join(QLatin1Char(' '));
}

QList<QPair<QString, QString>> ManPageWriter::parseInclude(const QString& text)
{
    static const QRegularExpression heading(QStringLiteral("^\\[([A-Z][A-Z ]*)\\]\\s*$"));
    QList<QPair<QString, QString>> sections;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch match = heading.match(line);
        if (match.hasMatch()) {
            sections.append({match.captured(1), QString()});
        } else if (!sections.isEmpty()) {
            sections.last().second += line + QLatin1Char('\n');
        } else if (!line.trimmed().isEmpty()) {
            throw std::runtime_error("the include file has text before its first [SECTION] line: " +
                                     line.toStdString());
        }
    }
    for (auto& section : sections) {
        section.second = section.second.trimmed();
        if (!section.second.isEmpty()) {
            section.second += QLatin1Char('\n');
        }
    }
    return sections;
}

void ManPageWriter::writeEntries(QString& out, const QList<HelpEntry>& entries, bool skipHelpOption)
{
    for (const HelpEntry& entry : entries) {
        if (skipHelpOption && isHelpOption(entry)) {
            continue;
        }
        if (entry.term.startsWith(QLatin1Char('-'))) {
            const HelpOption option = HelpPage::parseOption(entry);
            QStringList names;
            for (const QString& name : option.names) {
                names.append(QStringLiteral("\\fB") + escape(name) + QStringLiteral("\\fR"));
            }
            out += QStringLiteral(".TP\n") + names.join(QStringLiteral(", "));
            if (!option.valueName.isEmpty()) {
                out += QStringLiteral(" \\fI") + escape(option.valueName) + QStringLiteral("\\fR");
            }
            out += QLatin1Char('\n');
        } else if (entry.text.isEmpty()) {
            // A bare argument name: the usage line shows it already.
            continue;
        } else {
            out += QStringLiteral(".TP\n\\fI") + escape(entry.term) + QStringLiteral("\\fR\n");
        }
        if (!entry.text.isEmpty()) {
            out += escape(entry.text) + QLatin1Char('\n');
        }
    }
}

void ManPageWriter::writeCommand(QString& out, const CommandHelp& command, qsizetype depth, bool skipHelpOption)
{
    out += QStringLiteral(".SS \"") + escape(command.path.join(QLatin1Char(' '))) + QStringLiteral("\"\n");
    out += synopsis(command.page.usage(), depth + 1) + QLatin1Char('\n');
    const QString description = command.page.description().join(QLatin1Char(' '));
    if (!description.isEmpty()) {
        out += QStringLiteral(".PP\n") + escape(description) + QLatin1Char('\n');
    }
    for (const HelpSection& section : command.page.sections()) {
        const QString heading = section.heading.toLower();
        if (heading == QLatin1String("commands") || heading == QLatin1String("subcommands")) {
            continue;
        }
        writeEntries(out, section.entries, skipHelpOption);
    }
    for (const QString& note : command.page.notes()) {
        out += QStringLiteral(".PP\n") + escape(note) + QLatin1Char('\n');
    }
    for (const CommandHelp& child : command.children) {
        writeCommand(out, child, depth + 1, skipHelpOption);
    }
}

QString ManPageWriter::write(const CommandHelp& root, const Header& header)
{
    QList<QPair<QString, QString>> included = parseInclude(header.includeText);
    auto takeIncluded = [&](const QString& name) {
        for (qsizetype i = 0; i < included.size(); ++i) {
            if (included.at(i).first == name) {
                return included.takeAt(i).second;
            }
        }
        return QString();
    };

    QString out;
    out += QStringLiteral(".\\\" Generated by deepext-helpgen from %1: do not edit.\n").arg(header.generatedFrom);
    out += QStringLiteral(".TH \"%1\" \"%2\" \"%3\" \"%4\" \"%5\"\n")
               .arg(escape(header.program.toUpper()), header.section, header.date, escape(header.source),
                    escape(header.manual));
    const QStringList description = root.page.description();
    out += QStringLiteral(".SH NAME\n") + escape(header.program) + QStringLiteral(" \\- ") +
           escape(withoutFinalPeriod(description.isEmpty() ? QString() : description.first())) + QLatin1Char('\n');
    out += QStringLiteral(".SH SYNOPSIS\n") + synopsis(root.page.usage(), 1) + QLatin1Char('\n');
    out += QStringLiteral(".SH DESCRIPTION\n");
    if (description.size() > 1) {
        out += escape(description.mid(1).join(QLatin1Char(' '))) + QLatin1Char('\n');
    }
    const QString moreDescription = takeIncluded(QStringLiteral("DESCRIPTION"));
    if (!moreDescription.isEmpty()) {
        out += (description.size() > 1 ? QStringLiteral(".PP\n") : QString()) + moreDescription;
    }

    const bool commandsTakeHelp = !root.children.empty() && everyCommandHasHelp(root);
    for (const HelpSection& section : root.page.sections()) {
        const QString heading = section.heading.toLower();
        if (heading == QLatin1String("commands") || heading == QLatin1String("subcommands")) {
            continue;
        }
        out += QStringLiteral(".SH \"") + escape(section.heading.toUpper()) + QStringLiteral("\"\n");
        writeEntries(out, section.entries, false);
    }
    for (const QString& note : root.page.notes()) {
        out += QStringLiteral(".PP\n") + escape(note) + QLatin1Char('\n');
    }
    if (!root.children.empty()) {
        out += QStringLiteral(".SH COMMANDS\n");
        if (commandsTakeHelp) {
            out += QStringLiteral("Every command and subcommand also takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR: it prints "
                                  "the command\\(aqs help.\n");
        }
        for (const CommandHelp& command : root.children) {
            writeCommand(out, command, 1, commandsTakeHelp);
        }
    }
    for (const auto& [name, text] : included) {
        out += QStringLiteral(".SH \"") + name + QStringLiteral("\"\n") + text;
    }
    return out;
}

} // namespace deepext::helpgen
