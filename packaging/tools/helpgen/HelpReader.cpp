#include "HelpReader.h"

#include <QFileInfo>
#include <QProcess>

#include <stdexcept>

namespace deepext::helpgen {

HelpReader::HelpReader(QString program)
    : m_program(std::move(program))
{
}

QString HelpReader::programName() const
{
    return QFileInfo(m_program).fileName();
}

QString HelpReader::run(const QStringList& arguments) const
{
    const std::string command = (programName() + QLatin1Char(' ') + arguments.join(QLatin1Char(' '))).toStdString();
    QProcess process;
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(m_program, arguments);
    if (!process.waitForStarted(30000)) {
        throw std::runtime_error("cannot start " + m_program.toStdString() + ": " +
                                 process.errorString().toStdString());
    }
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        throw std::runtime_error("'" + command + "' did not finish within 60 s");
    }
    const QString err = QString::fromUtf8(process.readAllStandardError());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0 || !err.isEmpty()) {
        throw std::runtime_error("'" + command + "' failed (exit " + std::to_string(process.exitCode()) +
                                 "): " + err.toStdString());
    }
    return QString::fromUtf8(process.readAllStandardOutput());
}

QString HelpReader::version() const
{
    const QString text = run({QStringLiteral("--version")}).trimmed();
    if (text.isEmpty() || text.contains(QLatin1Char('\n'))) {
        throw std::runtime_error("'" + programName().toStdString() +
                                 " --version' should print one line, printed: " + text.toStdString());
    }
    return text;
}

CommandHelp HelpReader::read() const
{
    return readCommand({}, {});
}

CommandHelp HelpReader::readCommand(const QStringList& path, const QString& summary) const
{
    CommandHelp command;
    command.path = path;
    command.summary = summary;
    const QString text = run(QStringList(path) << QStringLiteral("--help"));
    try {
        command.page = HelpPage::parse(text);
    } catch (const std::runtime_error& error) {
        throw std::runtime_error("'" + (QStringList(programName()) + path).join(QLatin1Char(' ')).toStdString() +
                                 " --help': " + error.what());
    }
    for (const HelpSection& section : command.page.sections()) {
        const QString heading = section.heading.toLower();
        if (heading != QLatin1String("commands") && heading != QLatin1String("subcommands")) {
            continue;
        }
        for (const HelpEntry& entry : section.entries) {
            command.children.push_back(readCommand(QStringList(path) << entry.term, entry.text));
        }
    }
    return command;
}

} // namespace deepext::helpgen
