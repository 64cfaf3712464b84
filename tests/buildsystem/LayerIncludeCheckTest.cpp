// The layer rule of docs/architecture.md ("a layer includes only headers of the layers it links"), checked by
// cmake/CheckLayerIncludes.cmake with the layer map this build wrote at configure time. The real tree must pass;
// scratch copies with one injected include must fail, naming the file, the header and both layers.
#include "CliRunner.h"

#include <QStringList>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using deepext::test::CliResult;
using deepext::test::runProgram;

namespace {

const fs::path SourceDir = DEEPEXT_SOURCE_DIR;
const QString LayerMap = QStringLiteral(DEEPEXT_LAYER_MAP);
const QString CMake = QStringLiteral(DEEPEXT_CMAKE_COMMAND);

CliResult runCheck(const fs::path& tree)
{
    return runProgram(CMake, {QStringLiteral("-DDEEPEXT_SOURCE_DIR=%1").arg(QString::fromStdString(tree.string())),
                              QStringLiteral("-DDEEPEXT_LAYER_MAP=%1").arg(LayerMap), QStringLiteral("-P"),
                              QString::fromStdString((SourceDir / "cmake/CheckLayerIncludes.cmake").string())});
}

std::string readText(const fs::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// A copy of the folders the layer map names (or, for a configure, of everything but the tests), in a fresh
// temporary directory.
class ScratchTree
{
public:
    enum class Content
    {
        LayerFolders,
        ProductProject,
    };

    explicit ScratchTree(Content content = Content::LayerFolders)
    {
        m_root = m_dir.path().toStdString();
        for (const char* dir : {"src", "include", "tools"}) {
            fs::copy(SourceDir / dir, m_root / dir, fs::copy_options::recursive);
        }
        if (content == Content::ProductProject) {
            for (const char* dir : {"cmake", "ui", "resources", "packaging"}) {
                fs::copy(SourceDir / dir, m_root / dir, fs::copy_options::recursive);
            }
            fs::copy_file(SourceDir / "CMakeLists.txt", m_root / "CMakeLists.txt");
        }
    }

    const fs::path& root() const { return m_root; }

    // Puts `line` after the first line of the file (after #pragma once in a header).
    void inject(const std::string& relative, const std::string& line) const
    {
        const fs::path path = m_root / relative;
        ASSERT_TRUE(fs::exists(path)) << path;
        std::string text = readText(path);
        const auto firstLineEnd = text.find('\n');
        text.insert(firstLineEnd == std::string::npos ? text.size() : firstLineEnd + 1, line + "\n");
        std::ofstream(path) << text;
    }

private:
    QTemporaryDir m_dir;
    fs::path m_root;
};

std::string outputOf(const CliResult& result)
{
    return result.out + result.err;
}

} // namespace

TEST(LayerIncludeCheck, RealTreeFollowsTheRule)
{
    const CliResult result = runCheck(SourceDir);
    EXPECT_EQ(result.exitCode, 0) << outputOf(result);
}

TEST(LayerIncludeCheck, MapHoldsWhatEachLayerLinks)
{
    const std::string map = readText(LayerMap.toStdString());
    // Direct and transitive links are allowed; a layer that is not linked is not.
    EXPECT_NE(map.find("set(DEEPEXT_LAYER_deepext_ollama_LINKS \"deepext_ollama;deepext_base\")"), std::string::npos)
        << map;
    EXPECT_NE(map.find("set(DEEPEXT_LAYER_deepext_card_LINKS \"deepext_card;deepext_merge;deepext_base\")"),
              std::string::npos)
        << map;
    EXPECT_NE(map.find("set(DEEPEXT_LAYER_deepext_base_LINKS \"deepext_base\")"), std::string::npos) << map;
    EXPECT_NE(map.find("set(DEEPEXT_LAYER_deepext_cli_PREFIXES \"cli/\")"), std::string::npos) << map;
}

TEST(LayerIncludeCheck, MergeHeaderInAnOllamaPublicHeaderFails)
{
    ScratchTree tree;
    tree.inject("include/deepext/ollama/DeployTypes.h", "#include \"deepext/merge/MergeTypes.h\"");
    const CliResult result = runCheck(tree.root());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(outputOf(result).find("include/deepext/ollama/DeployTypes.h (deepext_ollama) includes "
                                    "\"deepext/merge/MergeTypes.h\" of deepext_merge, which deepext_ollama does not "
                                    "link"),
              std::string::npos)
        << outputOf(result);
}

TEST(LayerIncludeCheck, AngleBracketIncludeInABaseSourceFails)
{
    ScratchTree tree;
    tree.inject("src/core/base/Workspace.cpp", "#include <deepext/ollama/OllamaHost.h>");
    const CliResult result = runCheck(tree.root());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(
        outputOf(result).find("src/core/base/Workspace.cpp (deepext_base) includes \"deepext/ollama/OllamaHost.h\""
                              " of deepext_ollama"),
        std::string::npos)
        << outputOf(result);
}

TEST(LayerIncludeCheck, TheCliCannotIncludeTheGui)
{
    ScratchTree tree;
    tree.inject("src/cli/main.cpp", "#include \"gui/MainWindow.h\"");
    const CliResult result = runCheck(tree.root());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(outputOf(result).find("src/cli/main.cpp (deepext_cli) includes \"gui/MainWindow.h\" of deepext_gui"),
              std::string::npos)
        << outputOf(result);
}

TEST(LayerIncludeCheck, TheProductCannotIncludeTheStandInServer)
{
    ScratchTree tree;
    tree.inject("src/core/ollama/OllamaClient.cpp", "#include \"fakeollama/FakeOllamaServer.h\"");
    const CliResult result = runCheck(tree.root());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(outputOf(result).find("src/core/ollama/OllamaClient.cpp (deepext_ollama) includes "
                                    "\"fakeollama/FakeOllamaServer.h\" of deepext_fakeollama"),
              std::string::npos)
        << outputOf(result);
}

TEST(LayerIncludeCheck, ReachingIntoAnotherLayersFolderFails)
{
    ScratchTree tree;
    tree.inject("src/core/workflow/SaveOperation.cpp", "#include \"../merge/FileSink.h\"");
    const CliResult result = runCheck(tree.root());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(outputOf(result).find("src/core/workflow/SaveOperation.cpp (deepext_workflow) includes "
                                    "\"../merge/FileSink.h\", outside its folder"),
              std::string::npos)
        << outputOf(result);
}

TEST(LayerIncludeCheck, TransitivelyLinkedHeaderPasses)
{
    ScratchTree tree;
    // card links merge, which links base: a base header is fine in a card header.
    tree.inject("include/deepext/card/ModelCard.h", "#include \"deepext/base/Uuid.h\"");
    const CliResult result = runCheck(tree.root());
    EXPECT_EQ(result.exitCode, 0) << outputOf(result);
}

TEST(LayerIncludeCheck, EveryViolationIsListed)
{
    ScratchTree tree;
    tree.inject("src/core/merge/Dtype.cpp", "#include \"deepext/card/ModelCard.h\"");
    tree.inject("src/core/gguf/GgufValue.cpp", "#include \"deepext/ollama/OllamaName.h\"");
    const CliResult result = runCheck(tree.root());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(outputOf(result).find("src/core/merge/Dtype.cpp (deepext_merge)"), std::string::npos) << outputOf(result);
    EXPECT_NE(outputOf(result).find("src/core/gguf/GgufValue.cpp (deepext_gguf)"), std::string::npos)
        << outputOf(result);
}

TEST(LayerIncludeCheck, ConfigureRefusesATreeWithACrossLayerInclude)
{
    ScratchTree tree(ScratchTree::Content::ProductProject);
    tree.inject("src/core/ollama/Deployer.cpp", "#include \"deepext/card/ModelCard.h\"");
    const fs::path build = tree.root() / "build";
    const CliResult result =
        runProgram(CMake,
                   {QStringLiteral("-S"), QString::fromStdString(tree.root().string()), QStringLiteral("-B"),
                    QString::fromStdString(build.string()), QStringLiteral("-G"),
                    QStringLiteral(DEEPEXT_CMAKE_GENERATOR), QStringLiteral("-DDEEPEXT_BUILD_TESTS=OFF")},
                   300000);
    EXPECT_NE(result.exitCode, 0) << outputOf(result);
    EXPECT_NE(outputOf(result).find("Cross-layer includes"), std::string::npos) << outputOf(result);
    EXPECT_NE(outputOf(result).find("src/core/ollama/Deployer.cpp (deepext_ollama) includes "
                                    "\"deepext/card/ModelCard.h\" of deepext_card"),
              std::string::npos)
        << outputOf(result);
}
