// deepext-helpgen on a stand-in program whose help has what the real ones do not have yet: roff's special
// characters, a line starting with a dot, non-ASCII text, wrapped descriptions, a group of subcommands; and a
// program that fails part-way, which must fail the generation instead of leaving a partial page.
#include "PackagingFixtures.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace deepext::packaging::test;

namespace {

// A program in the shape deepext-cli prints its help (QCommandLineParser listings, "Commands:", "Subcommands:").
// `failingCommand`: the command whose --help exits 1 with a message on stderr.
QString writeFakeProgram(const QTemporaryDir& dir, const QString& failingCommand = {})
{
    QString script = QStringLiteral(R"SCRIPT(#!/bin/bash
if [ "$*" = "FAILING --help" ]; then echo "cannot do that" >&2; exit 1; fi
case "$*" in
--version) echo "fake 1.2.3" ;;
--help) cat <<'HELP'
Usage: fake [--root DIR] COMMAND ...
Does things with "quotes", a back\slash and a middle · dot.

Commands:
  go          Go somewhere.
  grp         A group.

Global options:
  --root DIR  the root folder, with a description long enough to be wrapped
              onto a second line by the parser
Exit codes: 0 fine.
HELP
;;
"go --help") cat <<'HELP'
Usage: fake go [options] FILE
.starts with a dot; it's 'quoted', costs ~5 $HOME and ^x

Options:
  --mode <A|B>  Either A or B.
  -h, --help    Show this help.

Arguments:
  FILE
HELP
;;
"grp --help") printf 'Usage: fake grp SUBCOMMAND ...\nA group.\n\nSubcommands:\n  leaf  A leaf.\n' ;;
"grp leaf --help") printf 'Usage: fake grp leaf [options]\nA leaf.\n\nOptions:\n  -h, --help  Show this help.\n' ;;
*) echo "unexpected: $*" >&2; exit 2 ;;
esac
)SCRIPT");
    script.replace(QStringLiteral("FAILING"), failingCommand.isEmpty() ? QStringLiteral("none") : failingCommand);
    const QString path = dir.filePath(QStringLiteral("fake"));
    writeText(path, script);
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

deepext::test::CliResult helpgen(const QStringList& arguments)
{
    return run(QStringLiteral(DEEPEXT_HELPGEN_PATH), arguments);
}

// The page as a reader sees it: plain UTF-8 text, no bold or underline, whitespace runs made single spaces.
QString rendered(const QString& page)
{
    const deepext::test::CliResult result =
        run(QStringLiteral(DEEPEXT_GROFF),
            {QStringLiteral("-man"), QStringLiteral("-Tutf8"), QStringLiteral("-ww"), QStringLiteral("-P-cbou"), page});
    EXPECT_EQ(result.exitCode, 0);
    EXPECT_EQ(result.err, "") << "groff warns";
    return QString::fromStdString(result.out).simplified();
}

} // namespace

TEST(Helpgen, ManPageKeepsEveryCharacterAndEveryCommand)
{
    QTemporaryDir dir;
    const QString program = writeFakeProgram(dir);
    const QString page = dir.filePath(QStringLiteral("fake.1"));
    const deepext::test::CliResult result = helpgen({QStringLiteral("man"), program, QStringLiteral("--out"), page,
                                                     QStringLiteral("--date"), QStringLiteral("2026-01-02")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const QString text = rendered(page);
    for (const QString& expected : {
             QStringLiteral("fake - Does things with \"quotes\", a back\\slash and a middle \u00b7 dot"),
             QStringLiteral("fake [--root DIR] COMMAND ..."),
             QStringLiteral("--root DIR the root folder, with a description long enough to be wrapped onto a second "
                            "line by the parser"),
             QStringLiteral("Exit codes: 0 fine."),
             QStringLiteral("go fake go [options] FILE .starts with a dot; it's 'quoted', costs ~5 $HOME and ^x "
                            "--mode A|B Either A or B."),
             QStringLiteral("grp fake grp SUBCOMMAND ... A group."),
             QStringLiteral("grp leaf fake grp leaf [options] A leaf."),
             QStringLiteral("fake 1.2.3 2026-01-02"),
         }) {
        EXPECT_TRUE(text.contains(expected)) << expected.toStdString() << "\nnot in:\n" << text.toStdString();
    }
    // -h, --help is said once for all commands instead of under each.
    EXPECT_EQ(text.count(QStringLiteral("Show this help")), 0) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("Every command and subcommand also takes -h, --help")));
}

TEST(Helpgen, CompletionFollowsTheCommandTree)
{
    QTemporaryDir dir;
    const QString program = writeFakeProgram(dir);
    const QString script = dir.filePath(QStringLiteral("fake.bash"));
    ASSERT_EQ(helpgen({QStringLiteral("bash-completion"), program, QStringLiteral("--out"), script}).exitCode, 0);
    auto complete = [&](const QString& words) {
        const deepext::test::CliResult result =
            run(QStringLiteral(DEEPEXT_BASH),
                {QStringLiteral("-c"),
                 QStringLiteral("source \"$1\"; COMP_WORDS=($2 \"\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _fake; "
                                "echo \"${COMPREPLY[*]}\""),
                 QStringLiteral("bash"), script, words});
        EXPECT_EQ(result.err, "");
        return QString::fromStdString(result.out).trimmed();
    };
    EXPECT_EQ(complete(QStringLiteral("fake")), QStringLiteral("go grp"));
    EXPECT_EQ(complete(QStringLiteral("fake grp")), QStringLiteral("leaf"));
    EXPECT_EQ(complete(QStringLiteral("fake --root /x grp leaf")), QString());
    EXPECT_EQ(complete(QStringLiteral("fake go --mode")), QString());
}

TEST(Helpgen, AFailingCommandFailsTheGenerationAndWritesNothing)
{
    QTemporaryDir dir;
    const QString program = writeFakeProgram(dir, QStringLiteral("grp leaf"));
    const QString page = dir.filePath(QStringLiteral("fake.1"));
    const deepext::test::CliResult result = helpgen({QStringLiteral("man"), program, QStringLiteral("--out"), page,
                                                     QStringLiteral("--date"), QStringLiteral("2026-01-02")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("'fake grp leaf --help' failed (exit 1): cannot do that"), std::string::npos)
        << result.err;
    EXPECT_FALSE(QFile::exists(page));
}
