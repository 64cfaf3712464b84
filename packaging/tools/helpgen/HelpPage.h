#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace deepext::helpgen {

// One line of a help listing ("  --name <TECH>   Technical name."), its wrapped continuation lines joined.
struct HelpEntry
{
    QString term;
    QString text;
};

// "Options:", "Commands:", "Arguments:" ... and their entries.
struct HelpSection
{
    QString heading;
    QList<HelpEntry> entries;
};

// An option as a help listing shows it: "-h, --help" or "--name <TECH>" / "--workspace DIR".
struct HelpOption
{
    QStringList names;
    QString valueName; // empty: a flag
    QString text;
};

// The --help text of one command, in the shape QCommandLineParser and deepext-cli's dispatchers print:
//   Usage: <usage>
//   <description lines>
//   <blank>
//   <Heading>:
//     <term>  <text>
//             <continuation>
//   <note lines (unindented, outside a listing)>
class HelpPage
{
public:
    // Throws std::runtime_error when the text has no "Usage: " line.
    static HelpPage parse(const QString& text);
    static HelpOption parseOption(const HelpEntry& entry);

    const QString& usage() const { return m_usage; }
    const QStringList& description() const { return m_description; }
    const QList<HelpSection>& sections() const { return m_sections; }
    const QStringList& notes() const { return m_notes; }
    // The entries of the first section whose heading contains `word` (case-insensitive), empty when none.
    QList<HelpEntry> entries(const QString& word) const;
    QList<HelpOption> options() const;

private:
    QString m_usage;
    QStringList m_description;
    QList<HelpSection> m_sections;
    QStringList m_notes;
};

} // namespace deepext::helpgen
