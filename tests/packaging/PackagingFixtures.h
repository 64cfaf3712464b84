#pragma once

#include "CliRunner.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace deepext::packaging::test {

QString sourcePath(const QString& relative);
// A file cmake/DeepextInstall.cmake generates in the build tree (build/packaging/...).
QString generatedPath(const QString& relative);
QString readText(const QString& path);
void writeText(const QString& path, const QString& text);

// Every command path deepext-cli has, from its own command list (not from its help text): {"demo"}, {"base"},
// {"base", "add"}, ...
std::vector<QStringList> cliCommandPaths();
// The leaves of cliCommandPaths(): the commands that take options.
std::vector<QStringList> cliLeafCommandPaths();
// The option names a command's --help lists (run on the built deepext-cli): "--json", "-h", "--help", ...
QStringList helpOptionNames(const QString& program, const QStringList& path);

// Runs a program found on PATH or by absolute path, with no display.
deepext::test::CliResult run(const QString& program, const QStringList& arguments, int timeoutMs = 120000);

} // namespace deepext::packaging::test
