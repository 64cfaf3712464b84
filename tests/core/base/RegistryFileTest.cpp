// The registry classes on their own: RegistryFile's read-modify-write, and each registry over its file in a real
// workspace folder. Workspace's delegating methods are tested in WorkspaceTest.cpp.
#include "deepext/base/RegistryFile.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/DeploymentRegistry.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <filesystem>

namespace fs = std::filesystem;
using namespace deepext;

namespace {

class RegistryFileTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_layout.ensureFolders();
    }

    std::string path(const char* name) const { return m_layout.root() + "/" + name; }

    QTemporaryDir m_dir;
    WorkspaceLayout m_layout{m_dir.path().toStdString() + "/ws"};
};

} // namespace

TEST_F(RegistryFileTest, MissingOrEmptyFileReadsAsAnEmptyObject)
{
    const RegistryFile file(m_layout, path("none.json"));
    EXPECT_EQ(file.read(), nlohmann::json::object());
    writeFileAtomically(path("empty.json"), "");
    EXPECT_EQ(RegistryFile(m_layout, path("empty.json")).read(), nlohmann::json::object());
}

TEST_F(RegistryFileTest, UpdateWritesTheChangedFile)
{
    const RegistryFile file(m_layout, path("r.json"));
    file.update([](nlohmann::json& j) { RegistryFile::arrayOf(j, "items").push_back(1); });
    file.update([](nlohmann::json& j) { RegistryFile::arrayOf(j, "items").push_back(2); });
    EXPECT_EQ(nlohmann::json::parse(readWholeFile(path("r.json"))), (nlohmann::json{{"items", {1, 2}}}));
}

TEST_F(RegistryFileTest, AFailingChangeLeavesTheFileAsItWas)
{
    const RegistryFile file(m_layout, path("r.json"));
    file.update([](nlohmann::json& j) { j["kept"] = true; });
    const std::string before = readWholeFile(path("r.json"));
    EXPECT_THROW(file.update([](nlohmann::json& j) {
        j["kept"] = false;
        throw Error("refused");
    }),
                 Error);
    EXPECT_EQ(readWholeFile(path("r.json")), before);
    // The lock was released: the next change goes through at once.
    file.update([](nlohmann::json& j) { j["after"] = 1; });
    EXPECT_EQ(file.read().value("after", 0), 1);
}

TEST_F(RegistryFileTest, InvalidJsonIsAnErrorNamingTheFile)
{
    writeFileAtomically(path("bad.json"), "{not json");
    try {
        RegistryFile(m_layout, path("bad.json")).read();
        FAIL() << "invalid JSON was read";
    } catch (const Error& error) {
        EXPECT_NE(error.message().find(path("bad.json") + " is not valid JSON"), std::string::npos) << error.message();
    }
}

TEST_F(RegistryFileTest, ArrayOfReplacesWhatIsNoArray)
{
    nlohmann::json file = {{"items", "oops"}};
    RegistryFile::arrayOf(file, "items").push_back("a");
    EXPECT_EQ(file["items"], nlohmann::json::array({"a"}));
}

TEST_F(RegistryFileTest, RecordsSkipsWhatIsNoObject)
{
    writeFileAtomically(path("envs.json"),
                        R"({"environments": [{"name": "a", "url": "http://x:1"}, 7, "b", {"name": "c", "url": ""}]})");
    const auto records = RegistryFile(m_layout, path("envs.json")).records<EnvironmentRecord>("environments");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].name, "a");
    EXPECT_EQ(records[1].name, "c");
}

TEST_F(RegistryFileTest, DeploymentRegistryUpsertsByUuid)
{
    const DeploymentRegistry registry(RegistryFile(m_layout, m_layout.deploymentsFile()), m_layout);
    DeploymentRecord record;
    record.uuid = "u1";
    record.ollamaName = "first";
    record.status = DeploymentStatus::Deployed;
    registry.upsert(record);
    record.ollamaName = "renamed";
    registry.upsert(record);
    DeploymentRecord other;
    other.uuid = "u2";
    other.status = DeploymentStatus::Failed;
    registry.upsert(other);
    const auto all = registry.all();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].ollamaName, "renamed");
    EXPECT_EQ(all[1].uuid, "u2");
}

TEST_F(RegistryFileTest, RegistriesFromTheWorkspaceShareItsFiles)
{
    const Workspace workspace = Workspace::open(m_layout.root());
    EnvironmentRecord env;
    env.name = "local";
    env.url = "http://127.0.0.1:11434";
    workspace.environmentRegistry().add(env, false);
    EXPECT_EQ(workspace.defaultEnvironment(), "local");
    EXPECT_EQ(workspace.environments().size(), 1u);
    EXPECT_THROW(workspace.environmentRegistry().setDefault("nope"), Error);
    EXPECT_TRUE(fs::exists(workspace.workspaceFile()));
}
