#include "deepext/base/Workspace.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace fs = std::filesystem;
using namespace deepext;

namespace {

std::string root(const QTemporaryDir& dir)
{
    return dir.path().toStdString() + "/ws";
}

} // namespace

TEST(Workspace, Open_CreatesTheLayoutAndVersionedRegistries)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    for (const auto& sub : {"saved_models", ".staging", ".trash", "logs"}) {
        EXPECT_TRUE(fs::is_directory(root(dir) + "/" + sub)) << sub;
    }
    for (const auto& file : {"workspace.json", "base_models.json", "trained_models.json", "deployments.json"}) {
        const auto json = nlohmann::json::parse(readWholeFile(root(dir) + "/" + file));
        EXPECT_EQ(json.value("format_version", 0), Workspace::FormatVersion) << file;
    }
}

TEST(Workspace, NewerFormat_IsRefusedWithAClearMessage)
{
    QTemporaryDir dir;
    fs::create_directories(root(dir));
    writeFileAtomically(root(dir) + "/workspace.json", R"({"format_version": 99})");
    try {
        Workspace::open(root(dir));
        FAIL() << "a newer workspace was opened";
    } catch (const Error& error) {
        EXPECT_NE(error.message().find("newer DeepExtension"), std::string::npos) << error.message();
        EXPECT_NE(error.message().find(root(dir)), std::string::npos);
    }
}

TEST(Workspace, OlderFormat_IsMigrated)
{
    QTemporaryDir dir;
    fs::create_directories(root(dir));
    // Format 0: no version, registries as bare arrays.
    writeFileAtomically(root(dir) + "/workspace.json", R"({"environments": [{"name": "lab", "url": "http://h:1"}]})");
    writeFileAtomically(root(dir) + "/base_models.json",
                        R"([{"technical_name": "old", "model_name": "Old", "path": "/x"}])");
    const Workspace workspace = Workspace::open(root(dir));
    ASSERT_EQ(workspace.baseModels().size(), 1U);
    EXPECT_EQ(workspace.baseModels()[0].technicalName, "old");
    ASSERT_EQ(workspace.environments().size(), 1U);
    EXPECT_EQ(workspace.environments()[0].url, "http://h:1");
    const auto json = nlohmann::json::parse(readWholeFile(root(dir) + "/base_models.json"));
    EXPECT_EQ(json.value("format_version", 0), 1);
}

TEST(Workspace, Environments_FirstBecomesDefaultAndRemovalMovesIt)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    workspace.addEnvironment({"local", "http://127.0.0.1:11434", {}}, false);
    EXPECT_EQ(workspace.defaultEnvironment(), "local");
    workspace.addEnvironment({"lab", "https://lab:443", {}}, true);
    EXPECT_EQ(workspace.defaultEnvironment(), "lab");
    EXPECT_THROW(workspace.addEnvironment({"lab", "http://x", {}}, false), Error);
    workspace.removeEnvironment("lab");
    EXPECT_EQ(workspace.defaultEnvironment(), "local");
    EXPECT_THROW(workspace.setDefaultEnvironment("nope"), Error);
}

TEST(Workspace, BaseRemove_RefusesWhileTrainedModelsReferToIt)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    workspace.addBaseModel({"b1", "B", "/models/b1", "", "", "", nlohmann::json::object()});
    TrainedModelRecord trained;
    trained.trainName = "run";
    trained.baseTechnicalName = "b1";
    const auto added = workspace.addTrainedModel(trained, "20261128");
    EXPECT_EQ(added.name.rfind("b1_run_20261128_", 0), 0U) << added.name;
    EXPECT_EQ(added.name.substr(added.name.size() - 4), added.uuid.substr(0, 4));
    try {
        workspace.removeBaseModel("b1");
        FAIL();
    } catch (const Error& error) {
        EXPECT_NE(error.message().find(added.name), std::string::npos) << error.message();
    }
    workspace.removeTrainedModel(added.name);
    workspace.removeBaseModel("b1");
    EXPECT_TRUE(workspace.baseModels().empty());
}

TEST(Workspace, CleanUp_RemovesOnlyWhatNoLivingProcessHolds)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    const std::string crashed = workspace.stagingDir() + "/crashed";
    const std::string running = workspace.stagingDir() + "/running";
    const std::string trashed = workspace.trashDir() + "/half-deleted";
    for (const auto& path : {crashed, running, trashed}) {
        fs::create_directories(path);
        std::ofstream(path + "/model.safetensors") << "partial";
    }
    // A lock left by a dead process: QLockFile records the pid, and a pid that is gone makes it stale.
    std::ofstream(crashed + ".lock") << "999999999\ndeepext\n" << QSysInfo::machineHostName().toStdString() << "\n";
    OperationLock held(running + ".lock");
    ASSERT_TRUE(held.tryLock(0));

    const CleanupReport report = workspace.cleanUp();
    EXPECT_FALSE(fs::exists(crashed));
    EXPECT_FALSE(fs::exists(crashed + ".lock"));
    EXPECT_FALSE(fs::exists(trashed));
    EXPECT_TRUE(fs::exists(running + "/model.safetensors"));
    EXPECT_EQ(report.kept.size(), 1U);
}

TEST(Workspace, CleanUp_NeverFollowsSymlinksOutOfTheWorkspace)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    const std::string outside = dir.path().toStdString() + "/precious";
    fs::create_directories(outside);
    std::ofstream(outside + "/keep.txt") << "keep";
    fs::create_directories(workspace.trashDir() + "/victim");
    fs::create_directory_symlink(outside, workspace.trashDir() + "/victim/link");
    workspace.cleanUp();
    EXPECT_FALSE(fs::exists(workspace.trashDir() + "/victim"));
    EXPECT_TRUE(fs::exists(outside + "/keep.txt"));
}

TEST(Workspace, SavedModelPath_RefusesNamesThatLeaveTheFolder)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    EXPECT_THROW(workspace.savedModelPath("../x"), Error);
    EXPECT_THROW(workspace.savedModelPath("a/b"), Error);
    EXPECT_FALSE(workspace.savedModelExists(".."));
    // A symlink in saved_models/ pointing elsewhere is not a saved model of ours.
    const std::string elsewhere = dir.path().toStdString() + "/elsewhere";
    fs::create_directories(elsewhere);
    std::ofstream(elsewhere + "/model_card.json") << "{}";
    fs::create_directory_symlink(elsewhere, workspace.savedModelsDir() + "/linked");
    EXPECT_FALSE(workspace.savedModelExists("linked"));
    EXPECT_TRUE(workspace.savedModels().empty());
}

TEST(Workspace, InterruptedDeploy_ReadsAsInterrupted)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    DeploymentRecord record;
    record.uuid = "u1";
    record.status = DeploymentStatus::Deploying;
    workspace.upsertDeployment(record);
    EXPECT_EQ(workspace.deployments().at(0).status, DeploymentStatus::Interrupted);
    OperationLock lock(workspace.deployLockPath("u1"));
    ASSERT_TRUE(lock.tryLock(0));
    EXPECT_EQ(workspace.deployments().at(0).status, DeploymentStatus::Deploying);
}

TEST(Workspace, RemoveDeploymentHistory_KeepsDeployedAndRunningDropsTheRest)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    const std::vector<std::pair<std::string, DeploymentStatus>> statuses = {
        {"deployed", DeploymentStatus::Deployed},   {"failed", DeploymentStatus::Failed},
        {"cancelled", DeploymentStatus::Cancelled}, {"removed", DeploymentStatus::Removed},
        {"running", DeploymentStatus::Deploying},   {"interrupted", DeploymentStatus::Deploying}};
    for (const auto& [uuid, status] : statuses) {
        DeploymentRecord record;
        record.uuid = uuid;
        record.status = status;
        workspace.upsertDeployment(record);
    }
    OperationLock lock(workspace.deployLockPath("running"));
    ASSERT_TRUE(lock.tryLock(0));
    EXPECT_EQ(workspace.removeDeploymentHistory(), 4);
    std::set<std::string> kept;
    for (const auto& record : workspace.deployments()) {
        kept.insert(record.uuid);
    }
    EXPECT_EQ(kept, (std::set<std::string>{"deployed", "running"}));
    EXPECT_EQ(workspace.removeDeploymentHistory(), 0);
}

TEST(Workspace, KilledWriter_NeverLeavesATornRegistry)
{
    QTemporaryDir dir;
    Workspace::open(root(dir));
    auto* random = QRandomGenerator::global();
    for (int round = 0; round < 15; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(DEEPEXT_REGISTRY_WRITER_PATH),
                     {QString::fromStdString(root(dir)), QStringLiteral("r%1").arg(round)});
        ASSERT_TRUE(writer.waitForStarted());
        QThread::msleep(20 + random->bounded(120));
        writer.kill();
        writer.waitForFinished();
        const std::string text = readWholeFile(root(dir) + "/workspace.json");
        EXPECT_TRUE(nlohmann::json::accept(text)) << "round " << round;
        // The next writer can take the lock the killed one held.
        EXPECT_NO_THROW(Workspace::open(root(dir)).addEnvironment(
            {"after" + std::to_string(round), "http://127.0.0.1:1", {}}, false));
    }
}

// A process killed between creating its lock file and writing its pid into it leaves a file that names nobody.
// Fresh, it may be a lock being written right now and is respected; once a few seconds old it is taken over (the
// registry writer test above hit this: every later write waited 30 s and failed).
TEST(OperationLock, EmptyLockFileIsTakenOverOnlyOnceItIsOld)
{
    QTemporaryDir dir;
    const std::string path = root(dir) + ".lock";
    std::ofstream(path).close();
    OperationLock fresh(path);
    EXPECT_FALSE(fresh.tryLock(0));
    EXPECT_TRUE(OperationLock::isHeldByLivingProcess(path));

    const auto old = fs::file_time_type::clock::now() - std::chrono::seconds(10);
    fs::last_write_time(path, old);
    EXPECT_FALSE(OperationLock::isHeldByLivingProcess(path));
    std::ofstream(path).close();
    fs::last_write_time(path, old);
    OperationLock taker(path);
    ASSERT_TRUE(taker.tryLock(0));
    EXPECT_TRUE(taker.isLocked());
    // Now it is a real lock: another taker waits, and the file names this process.
    OperationLock other(path);
    EXPECT_FALSE(other.tryLock(100));
    EXPECT_GT(fs::file_size(path), 0U);
    taker.unlock();
    EXPECT_TRUE(other.tryLock(0));
}

TEST(Workspace, ConcurrentWriters_LoseNothing)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(root(dir));
    constexpr int PerWriter = 40;
    QProcess first;
    QProcess second;
    first.start(QStringLiteral(DEEPEXT_REGISTRY_WRITER_PATH),
                {QString::fromStdString(root(dir)), QStringLiteral("a"), QString::number(PerWriter)});
    second.start(QStringLiteral(DEEPEXT_REGISTRY_WRITER_PATH),
                 {QString::fromStdString(root(dir)), QStringLiteral("b"), QString::number(PerWriter)});
    ASSERT_TRUE(first.waitForFinished(120000));
    ASSERT_TRUE(second.waitForFinished(120000));
    EXPECT_EQ(first.exitCode(), 0);
    EXPECT_EQ(second.exitCode(), 0);
    std::set<std::string> names;
    for (const auto& env : workspace.environments()) {
        names.insert(env.name);
    }
    EXPECT_EQ(names.size(), 2U * PerWriter);
}
