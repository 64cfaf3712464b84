// The bash completion generated at build time from deepext-cli's --help, run in a real bash: it completes exactly the
// commands of deepext-cli's own command list, every option each command's --help lists, and file and folder names
// where a command takes a FILE or a DIR.
#include "PackagingFixtures.h"

#include <QDir>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <map>

using namespace deepext::packaging::test;

namespace {

// Runs the completion function on COMP_WORDS = words (the last one is the word being completed), in `directory`.
QStringList complete(const QStringList& words, const QString& directory = QDir::tempPath())
{
    const QString script = QStringLiteral(
        "cd \"$1\" || exit 3; source \"$2\" || exit 4; shift 2; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); "
        "_deepext_cli || exit 5; printf '%s\\n' \"${COMPREPLY[@]}\"");
    const deepext::test::CliResult result =
        run(QStringLiteral(DEEPEXT_BASH), QStringList{QStringLiteral("-c"), script, QStringLiteral("bash"), directory,
                                                      generatedPath(QStringLiteral("completions/deepext-cli"))} +
                                              words);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.err, "") << words.join(QLatin1Char(' ')).toStdString();
    QStringList replies = QString::fromStdString(result.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    replies.sort();
    return replies;
}

QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

QStringList cli(const QStringList& words)
{
    return QStringList{QStringLiteral("deepext-cli")} + words;
}

} // namespace

TEST(BashCompletion, ScriptIsValidBash)
{
    const deepext::test::CliResult result = run(
        QStringLiteral(DEEPEXT_BASH), {QStringLiteral("-n"), generatedPath(QStringLiteral("completions/deepext-cli"))});
    EXPECT_EQ(result.exitCode, 0) << result.err;
}

TEST(BashCompletion, CompletesExactlyTheCommandsOfTheCli)
{
    QStringList topLevel;
    std::map<QString, QStringList> subcommands;
    for (const QStringList& path : cliCommandPaths()) {
        if (path.size() == 1) {
            topLevel.append(path.first());
        } else {
            subcommands[path.first()].append(path.at(1));
        }
    }
    ASSERT_GE(topLevel.size(), 10);
    EXPECT_EQ(complete(cli({QString()})), sorted(topLevel));
    ASSERT_FALSE(subcommands.empty());
    for (const auto& [group, names] : subcommands) {
        EXPECT_EQ(complete(cli({group, QString()})), sorted(names)) << group.toStdString();
    }
    EXPECT_EQ(complete(cli({QStringLiteral("de")})),
              (QStringList{QStringLiteral("delete"), QStringLiteral("demo"), QStringLiteral("deploy"),
                           QStringLiteral("deployed")}));
}

TEST(BashCompletion, CompletesEveryOptionOfEachCommand)
{
    for (const QStringList& path : cliLeafCommandPaths()) {
        const QStringList options = helpOptionNames(QStringLiteral(DEEPEXT_CLI_PATH), path);
        ASSERT_FALSE(options.isEmpty()) << path.join(QLatin1Char(' ')).toStdString();
        EXPECT_EQ(complete(cli(QStringList(path) << QStringLiteral("-"))), sorted(options))
            << path.join(QLatin1Char(' ')).toStdString();
    }
    EXPECT_EQ(complete(cli({QStringLiteral("--")})), sorted(helpOptionNames(QStringLiteral(DEEPEXT_CLI_PATH), {})));
}

TEST(BashCompletion, CompletesFoldersAndFilesForTheirPlaceholders)
{
    QTemporaryDir dir;
    QDir(dir.path()).mkpath(QStringLiteral("model-folder"));
    writeText(dir.filePath(QStringLiteral("template.txt")), QStringLiteral("x"));
    const QStringList folderOnly{QStringLiteral("model-folder")};
    const QStringList both{QStringLiteral("model-folder"), QStringLiteral("template.txt")};
    // base add DIR, --template FILE; the global --workspace DIR; a value given as --template=...
    EXPECT_EQ(complete(cli({QStringLiteral("base"), QStringLiteral("add"), QString()}), dir.path()), folderOnly);
    EXPECT_EQ(complete(cli({QStringLiteral("base"), QStringLiteral("add"), QStringLiteral("--template"), QString()}),
                       dir.path()),
              both);
    EXPECT_EQ(complete(cli({QStringLiteral("--workspace"), QString()}), dir.path()), folderOnly);
    EXPECT_EQ(complete(cli({QStringLiteral("base"), QStringLiteral("add"), QStringLiteral("--template"),
                            QStringLiteral("="), QString()}),
                       dir.path()),
              both);
    // The second argument of `base set-template TECH FILE` is a file; the value of --name is not completed.
    EXPECT_EQ(complete(cli({QStringLiteral("base"), QStringLiteral("set-template"), QStringLiteral("demo"), QString()}),
                       dir.path()),
              both);
    EXPECT_EQ(
        complete(cli({QStringLiteral("base"), QStringLiteral("add"), QStringLiteral("--name"), QString()}), dir.path()),
        QStringList());
}

TEST(BashCompletion, GlobalOptionsAndTheirValuesComeBeforeTheCommand)
{
    EXPECT_EQ(complete(cli({QStringLiteral("--workspace"), QStringLiteral("/tmp/ws"), QStringLiteral("--log-level"),
                            QStringLiteral("info"), QStringLiteral("tra")})),
              QStringList{QStringLiteral("trained")}); // "tr" is also `try`
    EXPECT_EQ(complete(cli({QStringLiteral("--workspace"), QStringLiteral("/tmp/ws"), QStringLiteral("env"),
                            QStringLiteral("d")})),
              QStringList{QStringLiteral("default")});
}
