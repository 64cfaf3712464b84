// `cmake --install` of this build into two scratch prefixes: exactly the desktop application's files (no test or
// stand-in programs), identical bytes whatever the prefix, nothing that names the build tree, the source tree or the
// prefix, and installed programs that run from there.
#include "PackagingFixtures.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <map>
#include <memory>

using namespace deepext::packaging::test;

namespace {

class InstallTest : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        s_dir = std::make_unique<QTemporaryDir>();
        for (const QString& name : {QStringLiteral("first/usr"), QStringLiteral("second/opt/deepext")}) {
            // --strip as a package build does: the development build's debug information names the source tree.
            const deepext::test::CliResult result =
                run(QStringLiteral(DEEPEXT_CMAKE),
                    {QStringLiteral("--install"), QStringLiteral(DEEPEXT_BUILD_DIR), QStringLiteral("--prefix"),
                     s_dir->filePath(name), QStringLiteral("--strip")});
            s_installLog += result.out + result.err;
            s_installed = s_installed && result.exitCode == 0;
        }
    }
    static void TearDownTestSuite() { s_dir.reset(); }

    void SetUp() override { ASSERT_TRUE(s_installed) << s_installLog; }

    static QString prefix() { return s_dir->filePath(QStringLiteral("first/usr")); }
    static QString otherPrefix() { return s_dir->filePath(QStringLiteral("second/opt/deepext")); }

    // Relative path -> bytes of every file under `root`.
    static std::map<QString, QByteArray> files(const QString& root)
    {
        std::map<QString, QByteArray> result;
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
            result[QDir(root).relativeFilePath(path)] = file.readAll();
        }
        return result;
    }

    static std::unique_ptr<QTemporaryDir> s_dir;
    static bool s_installed;
    static std::string s_installLog;
};

std::unique_ptr<QTemporaryDir> InstallTest::s_dir;
bool InstallTest::s_installed = true;
std::string InstallTest::s_installLog;

QByteArray gunzip(const QByteArray& compressed)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("file.gz"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(compressed) != compressed.size()) {
        return {};
    }
    file.close();
    return QByteArray::fromStdString(run(QStringLiteral("gzip"), {QStringLiteral("-dc"), path}).out);
}

} // namespace

TEST_F(InstallTest, InstallsExactlyTheDesktopApplication)
{
    QStringList expected{
        QStringLiteral("bin/deepext"),
        QStringLiteral("bin/deepext-cli"),
        QStringLiteral("share/applications/deepext.desktop"),
        QStringLiteral("share/icons/hicolor/scalable/apps/deepext.svg"),
        QStringLiteral("share/metainfo/" DEEPEXT_APP_ID ".metainfo.xml"),
        QStringLiteral("share/man/man1/deepext.1.gz"),
        QStringLiteral("share/man/man1/deepext-cli.1.gz"),
        QStringLiteral("share/bash-completion/completions/deepext-cli"),
        QStringLiteral("share/doc/deepext/copyright"),
        QStringLiteral("share/doc/deepext/changelog.gz"),
    };
    for (const QString& size : QStringLiteral(DEEPEXT_ICON_SIZES).split(QLatin1Char(' '))) {
        expected.append(QStringLiteral("share/icons/hicolor/%1x%1/apps/deepext.png").arg(size));
    }
    expected.sort();
    QStringList installed;
    for (const auto& [path, bytes] : files(prefix())) {
        installed.append(path);
    }
    EXPECT_EQ(installed, expected);
    EXPECT_TRUE(QFileInfo(prefix() + QStringLiteral("/bin/deepext")).isExecutable());
    EXPECT_TRUE(QFileInfo(prefix() + QStringLiteral("/bin/deepext-cli")).isExecutable());
}

TEST_F(InstallTest, SameBytesWhateverThePrefix)
{
    const auto first = files(prefix());
    const auto second = files(otherPrefix());
    ASSERT_EQ(first.size(), second.size());
    for (const auto& [path, bytes] : first) {
        ASSERT_TRUE(second.count(path)) << path.toStdString();
        EXPECT_TRUE(second.at(path) == bytes) << path.toStdString() << " differs between prefixes";
    }
}

TEST_F(InstallTest, NothingNamesTheBuildTreeTheSourceTreeOrThePrefix)
{
    const QList<QByteArray> forbidden{QByteArrayLiteral(DEEPEXT_BUILD_DIR), QByteArrayLiteral(DEEPEXT_SOURCE_DIR),
                                      prefix().toUtf8(), s_dir->path().toUtf8()};
    for (const auto& [path, bytes] : files(prefix())) {
#ifdef DEEPEXT_SANITIZED
        // An ASan or UBSan build's programs name their source files for its reports (the package is never one).
        if (path.startsWith(QLatin1String("bin/"))) {
            continue;
        }
#endif
        const QByteArray text = path.endsWith(QLatin1String(".gz")) ? gunzip(bytes) : bytes;
        ASSERT_FALSE(text.isEmpty()) << path.toStdString();
        for (const QByteArray& needle : forbidden) {
            EXPECT_FALSE(text.contains(needle)) << path.toStdString() << " names " << needle.toStdString();
        }
    }
}

TEST_F(InstallTest, InstalledProgramsRunFromThePrefix)
{
    const QString cli = prefix() + QStringLiteral("/bin/deepext-cli");
    const deepext::test::CliResult version = run(cli, {QStringLiteral("--version")});
    EXPECT_EQ(version.exitCode, 0) << version.err;
    EXPECT_EQ(version.out, std::string("deepext-cli ") + DEEPEXT_VERSION + "\n");

    QTemporaryDir workspace;
    const deepext::test::CliResult demo =
        run(cli, {QStringLiteral("--workspace"), workspace.path(), QStringLiteral("demo")});
    ASSERT_EQ(demo.exitCode, 0) << demo.err;
    const deepext::test::CliResult trained =
        run(cli, {QStringLiteral("--workspace"), workspace.path(), QStringLiteral("trained"), QStringLiteral("list")});
    EXPECT_EQ(trained.exitCode, 0) << trained.err;
    EXPECT_NE(trained.out.find("demo-llama_demo-lora_"), std::string::npos) << trained.out;

    // No display: the window's --version answers all the same.
    const deepext::test::CliResult gui = run(prefix() + QStringLiteral("/bin/deepext"), {QStringLiteral("--version")});
    EXPECT_EQ(gui.exitCode, 0) << gui.err;
    EXPECT_EQ(gui.out, std::string("deepext ") + DEEPEXT_VERSION + "\n");
}

TEST_F(InstallTest, IconsArePngsOfTheirSize)
{
    for (const QString& size : QStringLiteral(DEEPEXT_ICON_SIZES).split(QLatin1Char(' '))) {
        QFile file(prefix() + QStringLiteral("/share/icons/hicolor/%1x%1/apps/deepext.png").arg(size));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly)) << file.fileName().toStdString();
        const QByteArray header = file.read(24);
        ASSERT_EQ(header.size(), 24);
        EXPECT_TRUE(header.startsWith("\x89PNG\r\n\x1a\n")) << size.toStdString();
        EXPECT_EQ(header.mid(12, 4), QByteArrayLiteral("IHDR"));
        // IHDR: width and height, big-endian, right after the chunk type.
        auto bigEndian = [&](int offset) {
            quint32 value = 0;
            for (int i = 0; i < 4; ++i) {
                value = (value << 8) | static_cast<quint8>(header.at(offset + i));
            }
            return value;
        };
        EXPECT_EQ(bigEndian(16), size.toUInt());
        EXPECT_EQ(bigEndian(20), size.toUInt());
    }
}
