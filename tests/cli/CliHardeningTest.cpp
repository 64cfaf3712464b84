// Hardening through the real deepext-cli: kills at many exact points of save and delete, a deploy killed
// mid-upload, write errors past the free-space pre-check, paths that try to leave what the user chose, and
// concurrent use. Tests whose name starts with Heavy_ run many processes; scripts/sanitize.sh --short skips them.
#include "CliRunner.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

namespace fs = std::filesystem;
using deepext::fake::FakeOllamaServer;
using deepext::test::CliResult;
using deepext::test::errorLineCount;
using deepext::test::runCli;
using deepext::test::runProgram;

namespace {

std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

QStringList qargs(std::initializer_list<const char*> args)
{
    QStringList out;
    for (const char* arg : args) {
        out << QString::fromUtf8(arg);
    }
    return out;
}

// Every path below `dir`, relative, symlinks not followed: a snapshot to prove nothing appeared or vanished.
std::set<std::string> tree(const std::string& dir)
{
    std::set<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end; !ec && it != end;
         it.increment(ec)) {
        out.insert(fs::relative(it->path(), dir, ec).generic_string());
    }
    return out;
}

// Polls `done` (the stand-in server answers on its own thread) for up to `ms`.
bool waitFor(const std::function<bool()>& done, int ms = 60000)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms) {
            return false;
        }
        QThread::msleep(20);
    }
    return true;
}

class CliHardening : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_ws = m_dir.path() + QStringLiteral("/ws");
        const auto demo = cli(qargs({"demo"}));
        ASSERT_EQ(demo.exitCode, 0) << demo.err;
        m_trained = QString::fromStdString(demo.out).trimmed();
        // A file beside the workspace that no command may touch.
        m_outside = m_dir.path().toStdString() + "/outside";
        fs::create_directories(m_outside);
        std::ofstream(m_outside + "/precious.txt") << "keep me";
        std::ofstream(m_outside + "/model_card.json") << "{}";
    }

    CliResult cli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        return runCli(QStringList{QStringLiteral("--workspace"), m_ws} + args, 120000, env);
    }

    static QProcessEnvironment envWith(const char* name, const std::string& value)
    {
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert(QString::fromUtf8(name), QString::fromStdString(value));
        return env;
    }

    // deepext-cli under a file size limit (ulimit -f, 1024-byte blocks) with SIGXFSZ ignored, so an oversized
    // write fails with EFBIG as a full disk would fail with ENOSPC, past any free-space check.
    CliResult cliWithFileSizeLimit(std::uint64_t blocks, const QStringList& args)
    {
        return runProgram(QStringLiteral("bash"),
                          QStringList{QStringLiteral("-c"),
                                      QStringLiteral("ulimit -f %1; trap '' XFSZ; exec \"$0\" \"$@\"").arg(blocks),
                                      QStringLiteral(DEEPEXT_CLI_PATH), QStringLiteral("--workspace"), m_ws} +
                              args);
    }

    std::string ws() const { return m_ws.toStdString(); }
    std::set<std::string> entries(const std::string& sub) const
    {
        std::set<std::string> names;
        std::error_code ec;
        for (fs::directory_iterator it(ws() + "/" + sub, ec), end; !ec && it != end; it.increment(ec)) {
            names.insert(it->path().filename().string());
        }
        return names;
    }

    nlohmann::json listJson()
    {
        const auto list = cli(qargs({"list", "--json"}));
        EXPECT_EQ(list.exitCode, 0) << list.err;
        return nlohmann::json::parse(list.out, nullptr, false);
    }

    // Every registry is whole, parseable JSON of the current format.
    void expectRegistriesParse(const std::string& context)
    {
        for (const char* file : {"workspace.json", "base_models.json", "trained_models.json", "deployments.json"}) {
            const auto json = nlohmann::json::parse(bytesOf(ws() + "/" + file), nullptr, false);
            EXPECT_FALSE(json.is_discarded()) << context << ": " << file;
            EXPECT_TRUE(json.is_object()) << context << ": " << file;
        }
    }

    QString save()
    {
        const auto saved = cli({QStringLiteral("save"), m_trained});
        EXPECT_EQ(saved.exitCode, 0) << saved.err;
        return QString::fromStdString(saved.out).trimmed();
    }

    // Model output bytes of one save (what DEEPEXT_FAULT_KILL_AFTER_BYTES counts): the safetensors files.
    std::uint64_t outputBytes(const QString& saved) const
    {
        std::uint64_t total = 0;
        for (const auto& entry : fs::directory_iterator(ws() + "/saved_models/" + saved.toStdString())) {
            if (entry.path().extension() == ".safetensors") {
                total += entry.file_size();
            }
        }
        return total;
    }

    void expectOutsideUntouched()
    {
        EXPECT_EQ(bytesOf(m_outside + "/precious.txt"), "keep me");
        EXPECT_EQ(bytesOf(m_outside + "/model_card.json"), "{}");
    }

    QTemporaryDir m_dir;
    QString m_ws;
    QString m_trained;
    std::string m_outside;
};

} // namespace

// --- 3. Crash safety ---------------------------------------------------------------------------------------------

TEST_F(CliHardening, Heavy_SaveKilledAtEveryTenthOfItsOutput_LeavesNothingAndTheNextStartCleansUp)
{
    // One complete save tells how many bytes a save writes; then it goes, so every kill starts from nothing.
    const QString reference = save();
    const std::uint64_t total = outputBytes(reference);
    ASSERT_GT(total, 1000U);
    ASSERT_EQ(cli({QStringLiteral("delete"), reference, QStringLiteral("--yes")}).exitCode, 0);

    std::vector<std::pair<std::string, QProcessEnvironment>> points;
    points.emplace_back("byte 1", envWith("DEEPEXT_FAULT_KILL_AFTER_BYTES", "1"));
    for (int tenth = 1; tenth <= 9; ++tenth) {
        const std::uint64_t bytes = total * static_cast<std::uint64_t>(tenth) / 10;
        points.emplace_back("byte " + std::to_string(bytes),
                            envWith("DEEPEXT_FAULT_KILL_AFTER_BYTES", std::to_string(bytes)));
    }
    points.emplace_back("last byte", envWith("DEEPEXT_FAULT_KILL_AFTER_BYTES", std::to_string(total)));
    points.emplace_back("checkpoint before-publish", envWith("DEEPEXT_FAULT_KILL_AT", "before-publish"));

    for (const auto& [point, env] : points) {
        const auto killed = cli({QStringLiteral("save"), m_trained}, env);
        ASSERT_EQ(killed.exitCode, -1) << point << ": the fault hook did not fire; " << killed.err;
        EXPECT_TRUE(entries("saved_models").empty()) << point;
        expectRegistriesParse(point);
        // This `list` is the next start: nothing listed, and it removes the dead save's staging folder.
        EXPECT_EQ(listJson(), nlohmann::json::array()) << point;
        EXPECT_TRUE(entries(".staging").empty()) << point;
        EXPECT_TRUE(entries("saved_models").empty()) << point;
    }
    const QString saved = save();
    EXPECT_EQ(cli({QStringLiteral("verify"), saved}).exitCode, 0);
    EXPECT_EQ(listJson().size(), 1U);
}

TEST_F(CliHardening, Heavy_MergeOutKilledMidWrite_LeavesNoOutputAndTheNextMergeCleansUp)
{
    const QString out = m_dir.path() + QStringLiteral("/merged");
    const QStringList args = {QStringLiteral("merge"),
                              QStringLiteral("--base"),
                              m_ws + QStringLiteral("/demo/base"),
                              QStringLiteral("--adapter"),
                              m_ws + QStringLiteral("/demo/adapter"),
                              QStringLiteral("--out"),
                              out};
    const auto before = tree(m_dir.path().toStdString());
    for (const char* bytes : {"1", "30000"}) {
        const auto killed = runCli(args, 120000, envWith("DEEPEXT_FAULT_KILL_AFTER_BYTES", bytes));
        ASSERT_EQ(killed.exitCode, -1) << bytes << ": " << killed.err;
        EXPECT_FALSE(fs::exists(out.toStdString())) << bytes;
    }
    const auto merged = runCli(args);
    ASSERT_EQ(merged.exitCode, 0) << merged.err;
    // The killed merges' hidden staging siblings are gone; only --out is new.
    auto after = tree(m_dir.path().toStdString());
    for (const auto& path : before) {
        after.erase(path);
    }
    for (const auto& path : after) {
        EXPECT_EQ(path.rfind("merged", 0), 0U) << "left behind: " << path;
    }
}

TEST_F(CliHardening, DeleteKilledAfterRename_FinishesOnTheNextStartWithoutFollowingLinks)
{
    const QString saved = save();
    const std::string dir = ws() + "/saved_models/" + saved.toStdString();
    // Links inside the model pointing outside: finishing the delete from .trash/ must unlink, not follow them.
    fs::create_directory_symlink(m_outside, dir + "/link-out");
    fs::create_symlink(m_outside + "/precious.txt", dir + "/file-link");
    const std::string deployments = bytesOf(ws() + "/deployments.json");

    const auto killed = cli({QStringLiteral("delete"), saved, QStringLiteral("--yes")},
                            envWith("DEEPEXT_FAULT_KILL_AT", "delete-after-rename"));
    ASSERT_EQ(killed.exitCode, -1) << killed.err;
    EXPECT_FALSE(fs::exists(dir));
    expectRegistriesParse("after the killed delete");
    EXPECT_EQ(listJson(), nlohmann::json::array());
    EXPECT_TRUE(entries(".trash").empty());
    expectOutsideUntouched();
    EXPECT_EQ(bytesOf(ws() + "/deployments.json"), deployments);
    // The workspace is usable: a new save of the same trained model lands.
    save();
    EXPECT_EQ(listJson().size(), 1U);
}

class CliHardeningDeploy : public CliHardening
{
protected:
    void SetUp() override
    {
        CliHardening::SetUp();
        if (HasFatalFailure()) {
            return;
        }
        m_server = std::make_unique<FakeOllamaServer>(m_dir.path() + QStringLiteral("/ollama"));
        ASSERT_TRUE(m_server->listen());
        m_saved = save();
        ASSERT_EQ(cli({QStringLiteral("env"), QStringLiteral("add"), QStringLiteral("local"), QStringLiteral("--url"),
                       m_server->url(), QStringLiteral("--default")})
                      .exitCode,
                  0);
    }

    void startDeploy(QProcess& process, const QStringList& extra = {})
    {
        process.setStandardInputFile(QProcess::nullDevice());
        process.start(QStringLiteral(DEEPEXT_CLI_PATH),
                      QStringList{QStringLiteral("--workspace"), m_ws, QStringLiteral("deploy"), m_saved} + extra);
        ASSERT_TRUE(process.waitForStarted(10000));
    }

    nlohmann::json records()
    {
        const auto result = cli(qargs({"deployed", "--json"}));
        EXPECT_EQ(result.exitCode, 0) << result.err;
        return nlohmann::json::parse(result.out, nullptr, false);
    }

    std::unique_ptr<FakeOllamaServer> m_server;
    QString m_saved;
};

TEST_F(CliHardeningDeploy, DeployKilledMidUpload_ReadsInterruptedAndANewDeploySucceeds)
{
    m_server->setStallUploadAfter(4096);
    QProcess deploy;
    startDeploy(deploy);
    ASSERT_TRUE(waitFor([&] { return m_server->stalledUploadCount() > 0; })) << "no upload reached the stall";
    // While it runs, the record says so.
    auto list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "deploying");

    deploy.kill();
    ASSERT_TRUE(deploy.waitForFinished(10000));
    list = records();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["status"], "interrupted");
    expectRegistriesParse("after the killed deploy");

    m_server->clearFaults();
    m_server->releaseStalledUploads();
    const auto again = cli({QStringLiteral("deploy"), m_saved});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    list = records();
    ASSERT_EQ(list.size(), 2U);
    std::multiset<std::string> statuses;
    for (const auto& record : list) {
        statuses.insert(record["status"].get<std::string>());
    }
    EXPECT_EQ(statuses, (std::multiset<std::string>{"deployed", "interrupted"}));
}

// --- 6. Concurrent use: a delete while a deploy of the same model holds its create ------------------------------

TEST_F(CliHardeningDeploy, DeleteDuringADeployOfTheSameModel_IsRefusedWithTheReason)
{
    m_server->setHoldCreate(true);
    QProcess deploy;
    startDeploy(deploy);
    ASSERT_TRUE(waitFor([&] { return m_server->heldCreateCount() > 0; })) << "the create never arrived";

    const auto removal = cli({QStringLiteral("delete"), m_saved, QStringLiteral("--yes")});
    EXPECT_EQ(removal.exitCode, 1);
    EXPECT_EQ(errorLineCount(removal.err), 1) << removal.err;
    EXPECT_NE(removal.err.find("being deployed"), std::string::npos) << removal.err;
    EXPECT_TRUE(fs::exists(ws() + "/saved_models/" + m_saved.toStdString() + "/model_card.json"));

    m_server->releaseHeldCreate();
    ASSERT_TRUE(deploy.waitForFinished(120000));
    EXPECT_EQ(deploy.exitCode(), 0) << deploy.readAllStandardError().toStdString();
    // Once the deploy is over the delete goes through.
    const auto later = cli({QStringLiteral("delete"), m_saved, QStringLiteral("--yes")});
    EXPECT_EQ(later.exitCode, 0) << later.err;
}

TEST_F(CliHardening, Heavy_FourSimultaneousSavesOfOneTrainedModel_AllCompleteUnderDistinctNames)
{
    std::vector<std::unique_ptr<QProcess>> processes;
    for (int i = 0; i < 4; ++i) {
        auto process = std::make_unique<QProcess>();
        process->setStandardInputFile(QProcess::nullDevice());
        process->start(QStringLiteral(DEEPEXT_CLI_PATH),
                       {QStringLiteral("--workspace"), m_ws, QStringLiteral("save"), m_trained});
        processes.push_back(std::move(process));
    }
    std::set<std::string> names;
    for (auto& process : processes) {
        ASSERT_TRUE(process->waitForFinished(240000));
        EXPECT_EQ(process->exitCode(), 0) << process->readAllStandardError().toStdString();
        names.insert(process->readAllStandardOutput().trimmed().toStdString());
    }
    EXPECT_EQ(names.size(), 4U);
    EXPECT_EQ(entries("saved_models").size(), 4U);
    EXPECT_TRUE(entries(".staging").empty());
    for (const auto& name : names) {
        EXPECT_EQ(cli({QStringLiteral("verify"), QString::fromStdString(name)}).exitCode, 0) << name;
    }
}

// --- 4. Disk full and write errors -------------------------------------------------------------------------------

TEST_F(CliHardening, WriteErrorPastThePreCheck_FailsNamingTheFileAndRemovesStaging)
{
    const QString reference = save();
    const std::uint64_t total = outputBytes(reference);
    ASSERT_EQ(cli({QStringLiteral("delete"), reference, QStringLiteral("--yes")}).exitCode, 0);

    // Half the model's size per file: the free-space check passes (the disk has room), the weights' write fails.
    const auto result = cliWithFileSizeLimit(total / 2 / 1024, {QStringLiteral("save"), m_trained});
    EXPECT_EQ(result.exitCode, 1) << result.err;
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("model.safetensors"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("File too large"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("size limit"), std::string::npos) << result.err;
    // Cleaned up by the failing save itself, not only by the next start.
    EXPECT_TRUE(entries(".staging").empty());
    EXPECT_TRUE(entries("saved_models").empty());
    expectRegistriesParse("after the write error");
    EXPECT_EQ(listJson(), nlohmann::json::array());
}

TEST_F(CliHardening, DiskFullMidWrite_FailsSayingSoAndRemovesStaging)
{
    const auto result =
        cli({QStringLiteral("save"), m_trained}, envWith("DEEPEXT_FAULT_DISK_FULL_AFTER", std::to_string(20000)));
    EXPECT_EQ(result.exitCode, 1) << result.err;
    EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("disk is full"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("model.safetensors"), std::string::npos) << result.err;
    EXPECT_TRUE(entries(".staging").empty());
    EXPECT_TRUE(entries("saved_models").empty());
}

TEST_F(CliHardening, FreeSpacePreCheck_RefusesBeforeWritingAndNamesDiskAndSpace)
{
    for (const char* free : {"0", "1000"}) {
        const auto result = cli({QStringLiteral("save"), m_trained}, envWith("DEEPEXT_FAULT_FREE_BYTES", free));
        EXPECT_EQ(result.exitCode, 1) << result.err;
        EXPECT_EQ(errorLineCount(result.err), 1) << result.err;
        EXPECT_NE(result.err.find("not enough free disk space in " + ws()), std::string::npos) << result.err;
        EXPECT_NE(result.err.find("needs"), std::string::npos) << result.err;
        EXPECT_NE(result.err.find("is free on that disk"), std::string::npos) << result.err;
        EXPECT_TRUE(entries(".staging").empty());
        EXPECT_TRUE(entries("saved_models").empty());
    }
    // merge --out checks the disk of --out the same way.
    const auto merge = runCli({QStringLiteral("merge"), QStringLiteral("--base"), m_ws + QStringLiteral("/demo/base"),
                               QStringLiteral("--adapter"), m_ws + QStringLiteral("/demo/adapter"),
                               QStringLiteral("--out"), m_dir.path() + QStringLiteral("/merged")},
                              120000, envWith("DEEPEXT_FAULT_FREE_BYTES", "10"));
    EXPECT_EQ(merge.exitCode, 1) << merge.err;
    EXPECT_NE(merge.err.find("not enough free disk space"), std::string::npos) << merge.err;
    EXPECT_FALSE(fs::exists(m_dir.path().toStdString() + "/merged"));
}

// --- 5. Paths ------------------------------------------------------------------------------------------------------

TEST_F(CliHardening, Heavy_NamesThatLeaveSavedModels_AreRefusedByEveryCommand)
{
    const QString saved = save();
    const auto before = tree(m_dir.path().toStdString());
    const QString outside = QString::fromStdString(m_outside);
    for (const QString& name : {QStringLiteral(".."), QStringLiteral("../outside"), QStringLiteral("../../outside"),
                                outside, QStringLiteral("/etc"), QStringLiteral("./") + saved,
                                saved + QStringLiteral("/.."), QStringLiteral("x/../") + saved, QStringLiteral(".")}) {
        for (const char* command : {"show", "verify", "delete", "deploy"}) {
            QStringList args = {QString::fromUtf8(command), name};
            if (std::string(command) == "delete") {
                args << QStringLiteral("--yes");
            }
            if (std::string(command) == "deploy") {
                args << QStringLiteral("--url") << QStringLiteral("http://127.0.0.1:9");
            }
            const auto result = cli(args);
            EXPECT_NE(result.exitCode, 0) << command << " " << name.toStdString() << ": " << result.out;
        }
    }
    EXPECT_EQ(tree(m_dir.path().toStdString()), before);
    expectOutsideUntouched();
}

TEST_F(CliHardening, SymlinkedSavedModelEntry_IsNeitherListedShownVerifiedDeployedNorDeleted)
{
    // A complete-looking model outside the workspace, reached through saved_models/<name>.
    const QString saved = save();
    const std::string elsewhere = m_dir.path().toStdString() + "/elsewhere";
    fs::copy(ws() + "/saved_models/" + saved.toStdString(), elsewhere, fs::copy_options::recursive);
    fs::create_directory_symlink(elsewhere, ws() + "/saved_models/sneaky");
    const auto before = tree(elsewhere);

    const auto list = listJson();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0]["name"], saved.toStdString());

    FakeOllamaServer server(m_dir.path() + QStringLiteral("/ollama"));
    ASSERT_TRUE(server.listen());
    for (const QStringList& args :
         {qargs({"show", "sneaky"}), qargs({"verify", "sneaky"}), qargs({"delete", "sneaky", "--yes"}),
          QStringList{QStringLiteral("deploy"), QStringLiteral("sneaky"), QStringLiteral("--url"), server.url()}}) {
        const auto result = cli(args);
        EXPECT_EQ(result.exitCode, 1) << args.join(QLatin1Char(' ')).toStdString() << ": " << result.out;
    }
    EXPECT_TRUE(server.requests().isEmpty()) << "a deploy read files through the link";
    EXPECT_TRUE(fs::is_symlink(ws() + "/saved_models/sneaky"));
    EXPECT_EQ(tree(elsewhere), before);
}

TEST_F(CliHardening, HandEditedRegistryNames_CannotSaveOrLockOutsideTheWorkspace)
{
    // trained_models.json edited by hand: names with ../ and an absolute path.
    auto registry = nlohmann::json::parse(bytesOf(ws() + "/trained_models.json"));
    auto& trained = registry["trained_models"];
    ASSERT_EQ(trained.size(), 1U);
    for (const char* name : {"../../escape", "a/../../../escape", "/tmp/escape", ".."}) {
        auto copy = trained[0];
        copy["name"] = name;
        trained.push_back(copy);
    }
    std::ofstream(ws() + "/trained_models.json", std::ios::trunc) << registry.dump(2);
    const auto before = tree(m_dir.path().toStdString());
    const auto beforeTmp = fs::exists("/tmp/escape");

    for (const char* name : {"../../escape", "a/../../../escape", "/tmp/escape", ".."}) {
        const auto result = cli({QStringLiteral("save"), QString::fromUtf8(name)});
        EXPECT_EQ(result.exitCode, 1) << name << ": " << result.out;
        EXPECT_EQ(errorLineCount(result.err), 1) << name << ": " << result.err;
        EXPECT_NE(result.err.find("cannot be used as a folder name"), std::string::npos) << name << ": " << result.err;
    }
    auto after = tree(m_dir.path().toStdString());
    // Logs may grow; nothing else may appear.
    std::erase_if(after, [](const std::string& path) { return path.rfind("ws/logs", 0) == 0; });
    std::set<std::string> expected = before;
    std::erase_if(expected, [](const std::string& path) { return path.rfind("ws/logs", 0) == 0; });
    EXPECT_EQ(after, expected);
    EXPECT_EQ(fs::exists("/tmp/escape"), beforeTmp);
    EXPECT_EQ(fs::exists(m_dir.path().toStdString() + "/escape_s"), false);
}

TEST_F(CliHardening, HandEditedCardManifest_IsNeitherReadNorUploadedOutsideTheModel)
{
    const QString saved = save();
    const std::string dir = ws() + "/saved_models/" + saved.toStdString();
    // The manifest names a file outside the model with its true size and digest, as an attacker would.
    std::ofstream(m_outside + "/secret.safetensors") << "secret weights";
    auto card = nlohmann::json::parse(bytesOf(dir + "/model_card.json"));
    ASSERT_TRUE(card["files"].is_array());
    const std::string secretDigest = "1f8b3ba0f4b28c3dd4b3ab4ec7d8f2a6e0b2ad3a1bf7ee7d14bd35ef31fe2d5b";
    // Names the deployer would pick for upload (model*.safetensors one folder down, *.json) and an absolute one.
    const auto original = card["files"];
    for (const char* path : {"../../../outside/secret.safetensors", "../model-secret.safetensors", "../secret.json",
                             "/abs/model.safetensors"}) {
        card["files"] = original;
        card["files"].push_back({{"path", path}, {"size", 14}, {"sha256", secretDigest}});
        std::ofstream(dir + "/model_card.json", std::ios::trunc) << card.dump(2);

        const auto verify = cli({QStringLiteral("verify"), saved});
        EXPECT_EQ(verify.exitCode, 1) << path << ": " << verify.err;
        EXPECT_NE(verify.err.find(std::string("changed: ") + path), std::string::npos) << verify.err;

        if (std::string(path).rfind("../", 0) != 0 || std::string(path).find("outside") != std::string::npos) {
            continue; // not a name the deployer picks for upload (model*.safetensors, */model*.safetensors, *.json)
        }
        FakeOllamaServer server(m_dir.path() + QStringLiteral("/ollama"));
        ASSERT_TRUE(server.listen());
        const auto deploy = cli({QStringLiteral("deploy"), saved, QStringLiteral("--url"), server.url()});
        EXPECT_EQ(deploy.exitCode, 1) << path << ": " << deploy.err;
        EXPECT_EQ(errorLineCount(deploy.err), 1) << deploy.err;
        EXPECT_NE(deploy.err.find("not a relative path inside the model"), std::string::npos) << deploy.err;
        EXPECT_TRUE(server.uploadedDigests().isEmpty()) << path;
        for (const auto& request : server.requests()) {
            EXPECT_FALSE(request.path.contains(QStringLiteral("create"))) << path << ": a create was sent";
        }
    }
    expectOutsideUntouched();
}

TEST_F(CliHardening, RemovingRecordsNeverDeletesTheDirectoriesTheyPointTo)
{
    // base_models.json edited by hand to reach the demo base through saved_models/../../: removing the records
    // forgets them and deletes nothing.
    auto registry = nlohmann::json::parse(bytesOf(ws() + "/base_models.json"));
    ASSERT_EQ(registry["base_models"].size(), 1U);
    const std::string basePath = registry["base_models"][0]["path"];
    registry["base_models"][0]["path"] = ws() + "/saved_models/../../ws/demo/base";
    std::ofstream(ws() + "/base_models.json", std::ios::trunc) << registry.dump(2);
    const auto before = tree(ws() + "/demo");

    const auto removeTrained = cli({QStringLiteral("trained"), QStringLiteral("remove"), m_trained});
    EXPECT_EQ(removeTrained.exitCode, 0) << removeTrained.err;
    const auto removeBase = cli(qargs({"base", "remove", "demo-llama"}));
    EXPECT_EQ(removeBase.exitCode, 0) << removeBase.err;
    EXPECT_EQ(tree(ws() + "/demo"), before);
    EXPECT_TRUE(fs::exists(basePath + "/model.safetensors"));
    expectRegistriesParse("after removing records");
}
