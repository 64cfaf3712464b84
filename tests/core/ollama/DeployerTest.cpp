#include "deepext/ollama/Deployer.h"

#include "OllamaTestModel.h"
#include "deepext/ollama/OllamaClient.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>

#include <memory>
#include <set>

using deepext::fake::FakeOllamaServer;
using deepext::ollama::Deployer;
using deepext::ollama::DeployOutcome;
using deepext::ollama::DeployRequest;
using deepext::ollama::OllamaClient;
using deepext::ollama::OllamaTimeouts;
using namespace deepext::ollama::testing;
using nlohmann::json;
using Status = DeployOutcome::Status;

namespace {

deepext::ManifestEntry& entryOf(DeployRequest& r, const std::string& path)
{
    return *std::find_if(r.files.begin(), r.files.end(), [&](const auto& e) { return e.path == path; });
}

const char* const LlamaTemplate = "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}"
                                  "<|eot_id|>{{ end }}{{ .Prompt }}";

// What one deploy reported through its signals.
struct Observed
{
    bool done = false;
    DeployOutcome outcome;
    std::vector<Deployer::Phase> phases;
    QStringList statusLines;
    QStringList warnings;
    qint64 lastDone = -1;
    qint64 lastTotal = -1;
};

class DeployerTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_state.isValid());
        m_server = std::make_unique<FakeOllamaServer>(m_state.path());
        ASSERT_TRUE(m_server->listen(0));
        fillModel(m_model);
    }

    DeployRequest request(const std::string& name = "acme-merged_d_ab12_q8_0")
    {
        DeployRequest r;
        r.serverUrl = m_server->url();
        r.modelDirectory = m_model.dir.path();
        r.files = m_model.files;
        r.ollamaName = name;
        r.quantize = "q8_0";
        r.templateText = LlamaTemplate;
        r.system = "You are terse.";
        r.parameters = {{"num_ctx", 4096}, {"temperature", 0.6}, {"stop", {"<|eot_id|>", "<|end_of_text|>"}}};
        r.architecture = "LlamaForCausalLM";
        return r;
    }

    // Starts a deploy; `hook` may act on the Deployer before it starts (cancel on a phase, ...).
    Observed deploy(DeployRequest r, const std::function<void(Deployer&, Observed&)>& hook = {}, int timeoutMs = 60000)
    {
        Observed seen;
        Deployer deployer(&m_network);
        deployer.setTimeouts(m_timeouts);
        QObject::connect(&deployer, &Deployer::phaseChanged, [&](Deployer::Phase p) { seen.phases.push_back(p); });
        QObject::connect(&deployer, &Deployer::statusLine, [&](const QString& line) { seen.statusLines << line; });
        QObject::connect(&deployer, &Deployer::warning, [&](const QString& w) { seen.warnings << w; });
        QObject::connect(&deployer, &Deployer::progress, [&](qint64 done, qint64 total) {
            seen.lastDone = done;
            seen.lastTotal = total;
        });
        QObject::connect(&deployer, &Deployer::finished, [&](const DeployOutcome& outcome) {
            EXPECT_FALSE(seen.done) << "finished twice";
            seen.outcome = outcome;
            seen.done = true;
        });
        if (hook) {
            hook(deployer, seen);
        }
        deployer.start(std::move(r));
        EXPECT_FALSE(seen.done) << "finished() must come from the event loop";
        EXPECT_TRUE(waitFor([&] { return seen.done; }, timeoutMs));
        return seen;
    }

    QList<deepext::fake::RecordedRequest> blobPosts() const
    {
        QList<deepext::fake::RecordedRequest> posts;
        for (const auto& r : m_server->requests()) {
            if (r.method == QStringLiteral("POST") && r.path.startsWith(QStringLiteral("/api/blobs/"))) {
                posts << r;
            }
        }
        return posts;
    }

    std::string digestOf(const std::string& path) const { return "sha256:" + m_model.entry(path).sha256; }

    QTemporaryDir m_state;
    QNetworkAccessManager m_network;
    std::unique_ptr<FakeOllamaServer> m_server;
    TestModel m_model;
    OllamaTimeouts m_timeouts;
};

} // namespace

TEST_F(DeployerTest, DeploysUploadingEachNeededFileOnce)
{
    const Observed seen = deploy(request());
    ASSERT_EQ(seen.outcome.status, Status::Deployed) << seen.outcome.message << " / " << seen.outcome.details;

    const std::set<std::string> expected{"config.json",       "generation_config.json",
                                         "model.safetensors", "special_tokens_map.json",
                                         "tokenizer.json",    "tokenizer_config.json"};
    std::set<std::string> uploaded;
    for (const auto& post : blobPosts()) {
        EXPECT_EQ(post.status, 201);
        uploaded.insert(post.path.mid(QStringLiteral("/api/blobs/").size()).toStdString());
    }
    std::set<std::string> expectedDigests;
    std::uint64_t bytes = 0;
    for (const auto& path : expected) {
        expectedDigests.insert(digestOf(path));
        bytes += m_model.entry(path).size;
    }
    EXPECT_EQ(uploaded, expectedDigests);
    EXPECT_EQ(blobPosts().size(), static_cast<int>(expected.size()));
    EXPECT_EQ(seen.outcome.blobsUploaded, static_cast<int>(expected.size()));
    EXPECT_EQ(seen.outcome.blobsSkipped, 0);
    EXPECT_EQ(seen.outcome.bytesUploaded, bytes);
    EXPECT_EQ(seen.lastDone, seen.lastTotal);

    const auto create = m_server->lastCreateRequest();
    ASSERT_TRUE(create.has_value());
    EXPECT_EQ((*create)["model"], "acme-merged_d_ab12_q8_0");
    EXPECT_EQ((*create)["stream"], true);
    EXPECT_EQ((*create)["quantize"], "q8_0");
    EXPECT_EQ((*create)["template"], LlamaTemplate);
    EXPECT_EQ((*create)["system"], "You are terse.");
    EXPECT_EQ((*create)["parameters"]["num_ctx"], 4096);
    EXPECT_TRUE((*create)["parameters"]["num_ctx"].is_number_integer());
    EXPECT_DOUBLE_EQ((*create)["parameters"]["temperature"].get<double>(), 0.6);
    EXPECT_EQ((*create)["parameters"]["stop"], json::array({"<|eot_id|>", "<|end_of_text|>"}));
    json files = json::object();
    for (const auto& path : expected) {
        files[path] = digestOf(path);
    }
    EXPECT_EQ((*create)["files"], files);

    const auto model = m_server->model(QStringLiteral("acme-merged_d_ab12_q8_0"));
    ASSERT_TRUE(model.has_value());
    EXPECT_EQ(seen.outcome.modelDigest, (*model)["digest"].get<std::string>());
    EXPECT_EQ(seen.outcome.modelDigest.size(), 64u);
    EXPECT_EQ(seen.outcome.serverVersion, "0.33.0-rc2");
    EXPECT_TRUE(seen.warnings.isEmpty()) << seen.warnings.join(QLatin1Char('\n')).toStdString();

    EXPECT_EQ(seen.phases.front(), Deployer::Phase::Preflight);
    EXPECT_EQ(seen.phases.back(), Deployer::Phase::Done);
    EXPECT_NE(std::find(seen.phases.begin(), seen.phases.end(), Deployer::Phase::Creating), seen.phases.end());
    ASSERT_FALSE(seen.statusLines.isEmpty());
    EXPECT_EQ(seen.statusLines.front(), QStringLiteral("converting model"));
    EXPECT_EQ(seen.statusLines.back(), QStringLiteral("success"));
}

TEST_F(DeployerTest, SecondDeployUploadsNothing)
{
    ASSERT_EQ(deploy(request("first")).outcome.status, Status::Deployed);
    m_server->clearRequests();
    const Observed second = deploy(request("second"));
    ASSERT_EQ(second.outcome.status, Status::Deployed) << second.outcome.message;
    EXPECT_EQ(second.outcome.bytesUploaded, 0u);
    EXPECT_EQ(second.outcome.blobsUploaded, 0);
    EXPECT_EQ(second.outcome.blobsSkipped, 6);
    EXPECT_TRUE(blobPosts().isEmpty());
    // HEAD before uploading and again before create.
    int heads = 0;
    for (const auto& r : m_server->requests()) {
        heads += r.method == QStringLiteral("HEAD") ? 1 : 0;
    }
    EXPECT_EQ(heads, 12);
}

TEST_F(DeployerTest, NoQuantizationSendsNoQuantize)
{
    DeployRequest r = request("plain");
    r.quantize = "no_quantization";
    ASSERT_EQ(deploy(r).outcome.status, Status::Deployed);
    EXPECT_FALSE(m_server->lastCreateRequest()->contains("quantize"));
}

TEST_F(DeployerTest, BadRequestsAreRefusedBeforeAnyUpload)
{
    struct Case
    {
        std::function<void(DeployRequest&)> change;
        std::string expected;
    };
    const std::vector<Case> cases{
        {[](DeployRequest& r) { r.quantize = "q5_K_M"; }, "Quantization \"q5_K_M\" is not supported"},
        {[](DeployRequest& r) { r.ollamaName = "bad name!"; }, "The Ollama model name \"bad name!\" is not valid"},
        {[](DeployRequest& r) { r.ollamaName = std::string(81, 'a'); }, "is 81 characters long"},
        {[](DeployRequest& r) { r.templateText.reset(); }, "There is no prompt template for"},
        {[](DeployRequest& r) { r.templateText = "  \n"; }, "There is no prompt template for"},
        {[](DeployRequest& r) { r.parameters["num_ctx"] = "4096"; }, "parameter num_ctx must be an integer"},
        {[](DeployRequest& r) { r.parameters["bogus"] = 1; }, "unknown parameter 'bogus'"},
        {[](DeployRequest& r) { entryOf(r, "config.json").sha256 = "xyz"; }, "has no valid SHA-256"},
        {[](DeployRequest& r) { entryOf(r, "tokenizer.json").size += 1; }, "but the model card lists"},
        {[](DeployRequest& r) { entryOf(r, "tokenizer.json").path = "../tokenizer.json"; }, "not a relative path"},
        {[](DeployRequest& r) { r.serverUrl = "ftp://x"; }, "is not a usable Ollama server URL"},
    };
    for (const Case& c : cases) {
        DeployRequest r = request();
        c.change(r);
        const Observed seen = deploy(r);
        EXPECT_EQ(seen.outcome.status, Status::Failed);
        EXPECT_NE(seen.outcome.message.find(c.expected), std::string::npos) << seen.outcome.message;
    }
    EXPECT_TRUE(m_server->requests().isEmpty());
}

TEST_F(DeployerTest, AutodetectAllowsNoTemplate)
{
    DeployRequest r = request("auto");
    r.templateText.reset();
    r.autodetectTemplate = true;
    ASSERT_EQ(deploy(r).outcome.status, Status::Deployed);
    EXPECT_FALSE(m_server->lastCreateRequest()->contains("template"));
}

TEST_F(DeployerTest, OldServerGetsAnUpgradeMessage)
{
    m_server->setVersion(QStringLiteral("0.5.4"));
    const Observed seen = deploy(request());
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_NE(seen.outcome.message.find("0.5.5 or later"), std::string::npos) << seen.outcome.message;
    EXPECT_NE(seen.outcome.message.find(m_server->url().toStdString()), std::string::npos);
    EXPECT_TRUE(blobPosts().isEmpty());
}

TEST_F(DeployerTest, SourceBuildCountsAsCurrent)
{
    m_server->setVersion(QStringLiteral("0.0.0"));
    const Observed seen = deploy(request());
    // Pre-flight lets a 0.0.0 server through: the files are uploaded and create is sent. (The stand-in currently
    // plays 0.0.0 as a pre-0.5.5 server and answers create with "path or Modelfile are required"; a real source
    // build has the current API, so either outcome past pre-flight is accepted here.)
    EXPECT_EQ(blobPosts().size(), 6);
    EXPECT_EQ(m_server->requests(QStringLiteral("POST"), QStringLiteral("/api/create")).size(), 1);
    EXPECT_TRUE(seen.outcome.status == Status::Deployed ||
                seen.outcome.message.find("path or Modelfile are required") != std::string::npos)
        << seen.outcome.message;
}

TEST_F(DeployerTest, ServerStoppedNamesTheUrl)
{
    const std::string url = m_server->url().toStdString();
    m_server->close();
    const Observed seen = deploy(request());
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_EQ(seen.outcome.message,
              "Could not connect to Ollama at " + url + ": connection refused. Is Ollama running at " + url + "?");
}

TEST_F(DeployerTest, ArchitectureTheServerRefusesIsRefusedBeforeAnyBlobRequest)
{
    TestModel qwen;
    fillModel(qwen, "Qwen3ForCausalLM");
    DeployRequest r = request("qwen3");
    r.modelDirectory = qwen.dir.path();
    r.files = qwen.files;
    r.architecture = "Qwen3ForCausalLM"; // no GGUF writer given: GGUF is no way out here
    const Observed seen = deploy(r);
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_NE(seen.outcome.message.find("cannot deploy the architecture Qwen3ForCausalLM"), std::string::npos)
        << seen.outcome.message;
    EXPECT_NE(seen.outcome.message.find(m_server->url().toStdString()), std::string::npos) << seen.outcome.message;
    for (const auto& request : m_server->requests()) {
        EXPECT_FALSE(request.path.startsWith(QStringLiteral("/api/blobs/"))) << request.path.toStdString();
        EXPECT_NE(request.path, QStringLiteral("/api/create"));
    }
}

TEST_F(DeployerTest, GgufChosenWithoutAWriterFailsBeforeAnyBlobRequest)
{
    DeployRequest r = request("mistral");
    r.architecture = "MistralForCausalLM";
    r.ggufArchitectures = {"MistralForCausalLM"};
    const Observed seen = deploy(r);
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_EQ(seen.outcome.format, "gguf");
    EXPECT_NE(seen.outcome.message.find("nothing writes GGUF files"), std::string::npos) << seen.outcome.message;
    EXPECT_TRUE(blobPosts().isEmpty());
}

TEST_F(DeployerTest, CancelWhileCreating)
{
    m_server->setHoldCreate(true);
    const Observed seen = deploy(request(), [](Deployer& deployer, Observed&) {
        QObject::connect(&deployer, &Deployer::statusLine, &deployer, [&deployer](const QString& line) {
            if (line == QStringLiteral("converting model")) {
                deployer.cancel();
            }
        });
    });
    EXPECT_EQ(seen.outcome.status, Status::Cancelled);
    m_server->releaseHeldCreate();
}

TEST_F(DeployerTest, CancelInEveryPhase)
{
    for (Deployer::Phase phase :
         {Deployer::Phase::Preflight, Deployer::Phase::CheckingBlobs, Deployer::Phase::Uploading,
          Deployer::Phase::Verifying, Deployer::Phase::Creating, Deployer::Phase::Finishing}) {
        const Observed seen = deploy(request("c"), [phase](Deployer& deployer, Observed&) {
            QObject::connect(&deployer, &Deployer::phaseChanged, &deployer, [&deployer, phase](Deployer::Phase p) {
                if (p == phase) {
                    deployer.cancel();
                }
            });
        });
        EXPECT_EQ(seen.outcome.status, Status::Cancelled) << Deployer::phaseName(phase).toStdString();
        EXPECT_EQ(seen.phases.back(), Deployer::Phase::Done);
    }
}

TEST_F(DeployerTest, CancelDuringAStalledUpload)
{
    m_server->setStallUploadAfter(10);
    const Observed seen = deploy(request(), [](Deployer& deployer, Observed&) {
        QObject::connect(&deployer, &Deployer::phaseChanged, &deployer, [&deployer](Deployer::Phase p) {
            if (p == Deployer::Phase::Uploading) {
                QTimer::singleShot(300, &deployer, [&deployer] { deployer.cancel(); });
            }
        });
    });
    EXPECT_EQ(seen.outcome.status, Status::Cancelled) << seen.outcome.message;
    m_server->releaseStalledUploads();
}

TEST_F(DeployerTest, StalledUploadFails)
{
    m_server->setStallUploadAfter(10);
    m_timeouts.uploadStall = std::chrono::milliseconds(500);
    const Observed seen = deploy(request());
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_NE(seen.outcome.message.find("stalled"), std::string::npos) << seen.outcome.message;
    EXPECT_NE(seen.outcome.message.find(m_server->url().toStdString()), std::string::npos);
    m_server->releaseStalledUploads();
}

TEST_F(DeployerTest, DroppedUploadIsRetried)
{
    m_server->setDropUploadAfter(1000, 1);
    const Observed seen = deploy(request());
    ASSERT_EQ(seen.outcome.status, Status::Deployed) << seen.outcome.message;
    // Qt may resend the request by itself, or our retry does: either way the blob arrives once, intact.
    const QString weights = QString::fromStdString(digestOf("model.safetensors"));
    int aborted = 0;
    int stored = 0;
    for (const auto& post : blobPosts()) {
        if (post.path.endsWith(weights)) {
            aborted += post.aborted ? 1 : 0;
            stored += post.status == 201 ? 1 : 0;
        }
    }
    EXPECT_EQ(aborted, 1);
    EXPECT_EQ(stored, 1);
    EXPECT_TRUE(m_server->hasBlob(QString::fromStdString(digestOf("model.safetensors"))));
}

TEST_F(DeployerTest, UploadThatKeepsDroppingFails)
{
    m_server->setDropUploadAfter(1000);
    const Observed seen = deploy(request());
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_NE(seen.outcome.message.find("Uploading model.safetensors failed"), std::string::npos)
        << seen.outcome.message;
    EXPECT_NE(seen.outcome.message.find(m_server->url().toStdString()), std::string::npos);
    EXPECT_EQ(m_server->lastCreateRequest(), std::nullopt);
}

TEST_F(DeployerTest, BlobsLostBeforeCreateAreSentAgain)
{
    const Observed seen = deploy(request(), [this](Deployer& deployer, Observed&) {
        QObject::connect(&deployer, &Deployer::phaseChanged, &deployer, [this](Deployer::Phase p) {
            if (p == Deployer::Phase::Verifying && blobPosts().size() == 6) {
                m_server->pruneUnusedBlobs(std::chrono::seconds(0)); // a restart between upload and create
            }
        });
    });
    ASSERT_EQ(seen.outcome.status, Status::Deployed) << seen.outcome.message;
    EXPECT_EQ(blobPosts().size(), 12);
    EXPECT_EQ(seen.warnings.size(), 1);
}

TEST_F(DeployerTest, CreateErrorBeforeStreamingIsVerbatim)
{
    m_server->setCreateErrorAfterLines(0, QStringLiteral("template error: template: :1: unclosed action"), 400);
    const Observed seen = deploy(request());
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_EQ(seen.outcome.message, "template error: template: :1: unclosed action");
}

TEST_F(DeployerTest, PathOrModelfileRequiredBecomesAnUpgradeMessage)
{
    m_server->setCreateErrorAfterLines(0, QStringLiteral("path or Modelfile are required"), 400);
    const Observed seen = deploy(request());
    EXPECT_EQ(seen.outcome.status, Status::Failed);
    EXPECT_NE(seen.outcome.message.find("Upgrade Ollama to 0.5.5 or later"), std::string::npos) << seen.outcome.message;
}

TEST(DeployerFiles, SelectsWhatOllamasClientSends)
{
    auto entry = [](const char* path) { return deepext::ManifestEntry{path, 1, std::string(64, 'a')}; };
    const std::vector<deepext::ManifestEntry> manifest{entry("README.md"),
                                                       entry("config.json"),
                                                       entry("model-00001-of-00002.safetensors"),
                                                       entry("model-00002-of-00002.safetensors"),
                                                       entry("model.safetensors.index.json"),
                                                       entry("model_card.json"),
                                                       entry("tokenizer.model"),
                                                       entry("chat_template.jinja"),
                                                       entry("extra.safetensors"),
                                                       entry("sub/model-x.safetensors"),
                                                       entry("sub/config.json"),
                                                       entry("sub/deeper/x.json"),
                                                       entry("training_args.bin"),
                                                       entry("notes.txt")};
    std::vector<std::string> paths;
    for (const auto& e : Deployer::selectFiles(manifest)) {
        paths.push_back(e.path);
    }
    EXPECT_EQ(paths, (std::vector<std::string>{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                                               "sub/model-x.safetensors", "config.json", "model.safetensors.index.json",
                                               "tokenizer.model", "chat_template.jinja", "sub/config.json"}));
    const std::vector<deepext::ManifestEntry> consolidated{entry("consolidated.00.safetensors"), entry("x.bin")};
    EXPECT_EQ(Deployer::selectFiles(consolidated).size(), 1u);
}

TEST(DeployerFiles, QuantizeChoices)
{
    EXPECT_EQ(Deployer::canonicalQuantize("Q4_k_m").value_or(""), "q4_K_M");
    EXPECT_EQ(Deployer::canonicalQuantize("no_quantization").value_or(""), "no_quantization");
    EXPECT_FALSE(Deployer::canonicalQuantize("q5_K_M").has_value());
    EXPECT_FALSE(Deployer::canonicalQuantize("f16").has_value());
}

namespace {

// Peak resident memory of this process in kB (VmHWM), and a way to restart the peak from the current size.
long peakResidentKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:")) {
            return line.mid(6).trimmed().split(' ').front().toLong();
        }
    }
    return -1;
}

bool resetPeakResident()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    return clear.open(QIODevice::WriteOnly) && clear.write("5") == 1;
}

} // namespace

TEST_F(DeployerTest, BigModelDeploysWithBoundedMemory)
{
    constexpr std::uint64_t shardBytes = 200ull * 1024 * 1024;
    TestModel big;
    fillModel(big, "LlamaForCausalLM", shardBytes, 2); // two sparse shards, ~400 MB
    DeployRequest r = request("big");
    r.modelDirectory = big.dir.path();
    r.files = big.files;
    const bool measurable = resetPeakResident();
    const long before = peakResidentKb();
    const Observed seen = deploy(r, {}, 300000);
    const long after = peakResidentKb();
    ASSERT_EQ(seen.outcome.status, Status::Deployed) << seen.outcome.message;
    EXPECT_GT(seen.outcome.bytesUploaded, 2 * shardBytes);
    EXPECT_EQ(seen.lastDone, seen.lastTotal);
    if (measurable && before > 0) {
        // Neither side may hold a shard in memory (client and stand-in share this process).
        EXPECT_LT(after - before, 96 * 1024) << "peak grew from " << before << " kB to " << after << " kB";
    }
}
