#include "CliRunner.h"

#include <QProcess>

namespace deepext::test {

CliResult runProgram(const QString& program, const QStringList& arguments, int timeoutMs,
                     const QProcessEnvironment& environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, arguments);
    CliResult result;
    if (!process.waitForStarted(10000)) {
        result.err = "could not start " + program.toStdString();
        return result;
    }
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        result.err = "timed out";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput().toStdString();
    result.err = process.readAllStandardError().toStdString();
    return result;
}

CliResult runCli(const QStringList& arguments, int timeoutMs, const QProcessEnvironment& environment)
{
    return runProgram(QStringLiteral(DEEPEXT_CLI_PATH), arguments, timeoutMs, environment);
}

int errorLineCount(const std::string& text)
{
    int count = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        if (text.compare(start, 6, "error:") == 0) {
            ++count;
        }
        const auto next = text.find('\n', start);
        if (next == std::string::npos) {
            break;
        }
        start = next + 1;
    }
    return count;
}

} // namespace deepext::test
