#pragma once

#include <QProcessEnvironment>
#include <QStringList>

#include <string>

namespace deepext::test {

struct CliResult
{
    int exitCode = -1;
    std::string out;
    std::string err;
};

// Runs `program` as a subprocess (no terminal on stdin), waits up to timeoutMs.
CliResult runProgram(const QString& program, const QStringList& arguments, int timeoutMs = 120000,
                     const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());

// Runs the real deepext-cli as a subprocess (no terminal on stdin), waits up to timeoutMs.
CliResult runCli(const QStringList& arguments, int timeoutMs = 120000,
                 const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());

// Counts the lines of `text` that start with "error:".
int errorLineCount(const std::string& text);

} // namespace deepext::test
