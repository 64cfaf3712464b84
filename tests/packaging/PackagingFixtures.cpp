#include "PackagingFixtures.h"

#include "cli/CommandGroup.h"
#include "cli/Commands.h"

#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QRegularExpression>

#include <algorithm>

namespace deepext::packaging::test {

QString sourcePath(const QString& relative)
{
    return QDir(QStringLiteral(DEEPEXT_SOURCE_DIR)).filePath(relative);
}

QString generatedPath(const QString& relative)
{
    return QDir(QStringLiteral(DEEPEXT_PACKAGING_DIR)).filePath(relative);
}

QString readText(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QString::fromUtf8(file.readAll());
}

void writeText(const QString& path, const QString& text)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        file.write(text.toUtf8());
    }
}

std::vector<QStringList> cliCommandPaths()
{
    std::vector<QStringList> paths;
    for (const auto& command : cli::allCommands()) {
        const QString name = QString::fromStdString(command->name());
        paths.push_back({name});
        if (const auto* group = dynamic_cast<const cli::CommandGroup*>(command.get())) {
            for (const auto& sub : group->subcommands()) {
                paths.push_back({name, QString::fromStdString(sub->name())});
            }
        }
    }
    return paths;
}

std::vector<QStringList> cliLeafCommandPaths()
{
    std::vector<QStringList> leaves;
    const std::vector<QStringList> all = cliCommandPaths();
    for (const QStringList& path : all) {
        const bool hasChildren = std::any_of(all.begin(), all.end(), [&](const QStringList& other) {
            return other.size() == path.size() + 1 && other.mid(0, path.size()) == path;
        });
        if (!hasChildren) {
            leaves.push_back(path);
        }
    }
    return leaves;
}

QStringList helpOptionNames(const QString& program, const QStringList& path)
{
    const deepext::test::CliResult result = run(program, QStringList(path) << QStringLiteral("--help"));
    // QCommandLineParser's listing: "  -h, --help  ..." or "  --name <TECH>  ...".
    static const QRegularExpression optionLine(QStringLiteral("^  (-[^ ,]+)(?:, (-[^ ,]+))?"));
    QStringList names;
    for (const QString& line : QString::fromStdString(result.out).split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch match = optionLine.match(line);
        if (match.hasMatch()) {
            names.append(match.captured(1));
            if (!match.captured(2).isEmpty()) {
                names.append(match.captured(2));
            }
        }
    }
    return names;
}

deepext::test::CliResult run(const QString& program, const QStringList& arguments, int timeoutMs)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
        environment.remove(QLatin1String(name));
    }
    return deepext::test::runProgram(program, arguments, timeoutMs, environment);
}

} // namespace deepext::packaging::test
