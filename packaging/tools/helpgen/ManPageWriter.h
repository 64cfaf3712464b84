#pragma once

#include "CommandHelp.h"

#include <QList>
#include <QPair>
#include <QString>

namespace deepext::helpgen {

// Writes a man(7) page from a program's help tree: NAME and DESCRIPTION from its description, SYNOPSIS from its
// usage line, one section per listing of its own help (OPTIONS, ...), and COMMANDS with every command's and
// subcommand's usage, description, options and arguments. Hand-written sections (ENVIRONMENT, FILES, SEE ALSO)
// come from an include file: "[SECTION NAME]" lines, each followed by roff text; a section the page already has
// (DESCRIPTION) is extended, the others follow COMMANDS in their order.
class ManPageWriter
{
public:
    struct Header
    {
        QString program;     // deepext-cli
        QString section;     // 1
        QString date;        // YYYY-MM-DD
        QString source;      // "deepext-cli 0.1.0", what --version prints
        QString manual;      // User Commands
        QString includeText; // the include file's content, may be empty
        QString generatedFrom;
    };

    // Throws std::runtime_error on a malformed include file.
    static QString write(const CommandHelp& root, const Header& header);
    // Escapes text for a roff text line or a quoted macro argument: backslashes, minus signs, quotes, leading
    // control characters and non-ASCII characters.
    static QString escape(const QString& text);
    // A usage line with the program and command words in bold, options in bold, placeholders in italics.
    static QString synopsis(const QString& usage, qsizetype commandWords);

private:
    static QList<QPair<QString, QString>> parseInclude(const QString& text);
    static void writeEntries(QString& out, const QList<HelpEntry>& entries, bool skipHelpOption);
    static void writeCommand(QString& out, const CommandHelp& command, qsizetype depth, bool skipHelpOption);
};

} // namespace deepext::helpgen
