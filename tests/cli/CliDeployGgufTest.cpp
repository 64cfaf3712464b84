// Deploying through GGUF with the real deepext-cli against the stand-in Ollama server: tiny Qwen3 and Mistral saved
// models (TinyModelFactory bases, a LoRA adapter, `save`) go as one GGUF blob with every quantization mode to a
// server whose converter refuses their safetensors; `--format safetensors` is refused before any blob request; a
// Llama model still goes as safetensors; the GGUF is written once into the saved model, reused, verified, deleted.
#include "CliRunner.h"
#include "TinyModelFactory.h"
#include "deepext/base/Sha256.h"
#include "deepext/gguf/GgufReader.h"
#include "deepext/merge/SafeTensorsWriter.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QTemporaryDir>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using deepext::Dtype;
using deepext::SafeTensorsWriter;
using deepext::TensorSpec;
using deepext::fake::FakeOllamaServer;
using deepext::test::CliResult;
using deepext::test::runCli;
using deepext::test::TinyModelFactory;
using deepext::test::TinyModelSpec;
using ::testing::HasSubstr;

namespace {

// A PEFT LoRA adapter (r 2 on q_proj and v_proj of every layer, small non-zero weights) for a tiny model.
void writeAdapter(const TinyModelSpec& spec, const std::string& directory)
{
    fs::create_directories(directory);
    const int rank = 2;
    std::vector<TensorSpec> tensors;
    for (int layer = 0; layer < spec.layers; ++layer) {
        const std::string prefix = "base_model.model.model.layers." + std::to_string(layer) + ".self_attn.";
        tensors.push_back({prefix + "q_proj.lora_A.weight", Dtype::F32, {rank, spec.hiddenSize}});
        tensors.push_back({prefix + "q_proj.lora_B.weight", Dtype::F32, {spec.heads * spec.headDim, rank}});
        tensors.push_back({prefix + "v_proj.lora_A.weight", Dtype::F32, {rank, spec.hiddenSize}});
        tensors.push_back({prefix + "v_proj.lora_B.weight", Dtype::F32, {spec.kvHeads * spec.headDim, rank}});
    }
    std::sort(tensors.begin(), tensors.end(), [](const TensorSpec& a, const TensorSpec& b) { return a.name < b.name; });
    SafeTensorsWriter writer(directory + "/adapter_model.safetensors", tensors);
    for (const auto& tensor : tensors) {
        const auto count = static_cast<std::size_t>(tensor.shape[0] * tensor.shape[1]);
        std::vector<float> values(count);
        for (std::size_t i = 0; i < count; ++i) {
            values[i] = 0.01F * static_cast<float>(static_cast<int>(i % 7) - 3);
        }
        writer.append(values.data(), values.size() * sizeof(float));
    }
    writer.finish();
    const nlohmann::json config = {
        {"peft_type", "LORA"}, {"task_type", "CAUSAL_LM"}, {"base_model_name_or_path", "acme/tiny-" + spec.preset},
        {"r", rank},           {"lora_alpha", 4},          {"lora_dropout", 0.0},
        {"bias", "none"},      {"fan_in_fan_out", false},  {"target_modules", {"q_proj", "v_proj"}}};
    std::ofstream(directory + "/adapter_config.json") << config.dump(2);
}

std::string bytesOf(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class CliDeployGguf : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_dir.isValid());
        m_ws = m_dir.path() + QStringLiteral("/ws");
        m_server = std::make_unique<FakeOllamaServer>(m_dir.path() + QStringLiteral("/ollama"));
        m_server->setVersion(QStringLiteral("0.33.0")); // its converter refuses Qwen3 and (since 0.6.5) Mistral
        ASSERT_TRUE(m_server->listen());
        std::ofstream(m_dir.path().toStdString() + "/Modelfile")
            << "TEMPLATE \"\"\"{{ .System }} {{ .Prompt }}\"\"\"\nSYSTEM \"\"\"You are tiny.\"\"\"\n"
               "PARAMETER temperature 0.5\nPARAMETER stop \"</s>\"\n";
    }

    CliResult cli(QStringList args) { return runCli(QStringList{QStringLiteral("--workspace"), m_ws} + args, 120000); }

    // A saved model merged from a tiny `preset` base and a LoRA adapter; returns its name.
    std::string savedModel(const std::string& preset)
    {
        const std::string root = m_dir.path().toStdString() + "/" + preset;
        const TinyModelSpec spec = TinyModelFactory::preset(preset);
        TinyModelFactory::write(spec, root + "/base");
        writeAdapter(spec, root + "/adapter");
        const QString base = QString::fromStdString("tiny-" + preset);
        const auto added = cli({QStringLiteral("base"), QStringLiteral("add"), QString::fromStdString(root + "/base"),
                                QStringLiteral("--name"), base, QStringLiteral("--template"),
                                m_dir.path() + QStringLiteral("/Modelfile")});
        EXPECT_EQ(added.exitCode, 0) << added.err;
        const auto trained = cli({QStringLiteral("trained"), QStringLiteral("add"),
                                  QString::fromStdString(root + "/adapter"), QStringLiteral("--base"), base,
                                  QStringLiteral("--train-name"), QString::fromStdString(preset + "-lora")});
        EXPECT_EQ(trained.exitCode, 0) << trained.err;
        const auto save = cli({QStringLiteral("save"), QString::fromStdString(trained.out).trimmed()});
        EXPECT_EQ(save.exitCode, 0) << save.err;
        return QString::fromStdString(save.out).trimmed().toStdString();
    }

    std::string savedDir(const std::string& saved) const { return m_ws.toStdString() + "/saved_models/" + saved; }
    nlohmann::json card(const std::string& saved) const
    {
        return nlohmann::json::parse(bytesOf(savedDir(saved) + "/model_card.json"));
    }
    const nlohmann::json* cardEntry(const nlohmann::json& card, const std::string& path) const
    {
        for (const auto& file : card["files"]) {
            if (file["path"] == path) {
                return &file;
            }
        }
        return nullptr;
    }
    nlohmann::json recordOf(const std::string& ollamaName)
    {
        const auto list = nlohmann::json::parse(cli({QStringLiteral("deployed"), QStringLiteral("--json")}).out);
        for (const auto& record : list) {
            if (record["ollama_name"] == ollamaName) {
                return record;
            }
        }
        return nlohmann::json();
    }
    int requestsTo(const QString& prefix, const QString& method = {}) const
    {
        int count = 0;
        for (const auto& request : m_server->requests()) {
            if (request.path.startsWith(prefix) && (method.isEmpty() || request.method == method)) {
                ++count;
            }
        }
        return count;
    }
    CliResult deploy(const std::string& saved, const QStringList& more)
    {
        return cli(QStringList{QStringLiteral("deploy"), QString::fromStdString(saved), QStringLiteral("--url"),
                               m_server->url()} +
                   more);
    }

    void deploysThroughGgufWithEveryQuantization(const std::string& preset, const std::string& ggufFile,
                                                 const std::string& sourceType);

    QTemporaryDir m_dir;
    QString m_ws;
    std::unique_ptr<FakeOllamaServer> m_server;
};

void CliDeployGguf::deploysThroughGgufWithEveryQuantization(const std::string& preset, const std::string& ggufFile,
                                                            const std::string& sourceType)
{
    const std::string saved = savedModel(preset);
    ASSERT_FALSE(saved.empty());
    const std::string ggufPath = savedDir(saved) + "/" + ggufFile;
    std::string digest;
    fs::file_time_type written;
    for (const char* quantize : {"no_quantization", "q8_0", "q4_K_M", "q4_K_S"}) {
        SCOPED_TRACE(quantize);
        const auto result = deploy(saved, {QStringLiteral("--quantize"), QString::fromLatin1(quantize)});
        ASSERT_EQ(result.exitCode, 0) << result.err;
        const std::string name = QString::fromStdString(result.out).trimmed().toStdString();

        // One GGUF blob, created from with the template, system, parameters and quantize.
        const auto create = m_server->lastCreateRequest();
        ASSERT_TRUE(create.has_value());
        ASSERT_EQ((*create)["files"].size(), 1U) << create->dump();
        ASSERT_TRUE((*create)["files"].contains("model.gguf")) << create->dump();
        EXPECT_EQ((*create)["template"], "{{ .System }} {{ .Prompt }}");
        EXPECT_EQ((*create)["system"], "You are tiny.");
        EXPECT_EQ((*create)["parameters"]["temperature"], 0.5);
        if (std::string(quantize) == "no_quantization") {
            EXPECT_FALSE(create->contains("quantize")) << create->dump();
        } else {
            EXPECT_EQ((*create)["quantize"], quantize);
            std::string upper = quantize;
            std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
            EXPECT_THAT(result.err, HasSubstr("ollama: quantizing " + sourceType + " model to " + upper));
        }
        EXPECT_THAT(result.err, HasSubstr("ollama: parsing GGUF"));
        EXPECT_THAT(result.err, HasSubstr("writing the GGUF file"));

        // The GGUF in the saved model is the one uploaded, listed in the card, and written only once.
        ASSERT_TRUE(fs::is_regular_file(ggufPath)) << ggufPath;
        const std::string sha = deepext::Sha256::ofFile(ggufPath);
        EXPECT_EQ((*create)["files"]["model.gguf"], "sha256:" + sha);
        const nlohmann::json savedCard = card(saved);
        const nlohmann::json* entry = cardEntry(savedCard, ggufFile);
        ASSERT_NE(entry, nullptr) << savedCard["files"].dump();
        EXPECT_EQ((*entry)["sha256"], sha);
        EXPECT_EQ((*entry)["size"], fs::file_size(ggufPath));
        if (digest.empty()) {
            digest = sha;
            written = fs::last_write_time(ggufPath);
            EXPECT_THAT(result.err, HasSubstr("ollama: wrote " + ggufFile));
        } else {
            EXPECT_EQ(sha, digest);
            EXPECT_EQ(fs::last_write_time(ggufPath), written) << "re-deploys reuse the file";
            EXPECT_THAT(result.err, HasSubstr("ollama: using the saved " + ggufFile));
        }
        EXPECT_NO_THROW(deepext::gguf::GgufReader::open(ggufPath));

        const nlohmann::json record = recordOf(name);
        EXPECT_EQ(record["status"], "deployed") << record.dump();
        EXPECT_EQ(record["format"], "gguf") << record.dump();
    }
    // Uploaded once: later deploys found the blob on the server (HEAD) and sent nothing.
    EXPECT_EQ(requestsTo(QStringLiteral("/api/blobs/"), QStringLiteral("POST")), 1);

    // verify covers the GGUF; a damaged GGUF is reported, and the next deploy writes it again instead of sending it.
    const auto verified = cli({QStringLiteral("verify"), QString::fromStdString(saved)});
    ASSERT_EQ(verified.exitCode, 0) << verified.err;
    EXPECT_EQ(verified.err.find("not in the card"), std::string::npos) << verified.err;
    {
        std::fstream file(ggufPath, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(-1, std::ios::end);
        file.put('\x5a');
    }
    const auto damaged = cli({QStringLiteral("verify"), QString::fromStdString(saved)});
    EXPECT_EQ(damaged.exitCode, 1);
    EXPECT_THAT(damaged.err, HasSubstr("changed: " + ggufFile));
    const auto again = deploy(saved, {QStringLiteral("--quantize"), QStringLiteral("no_quantization")});
    ASSERT_EQ(again.exitCode, 0) << again.err;
    EXPECT_THAT(again.err, HasSubstr("ollama: wrote " + ggufFile));
    EXPECT_EQ(deepext::Sha256::ofFile(ggufPath), digest) << "the same model exports to the same bytes";
    EXPECT_EQ(cli({QStringLiteral("verify"), QString::fromStdString(saved)}).exitCode, 0);

    // delete removes the saved model with its GGUF.
    const auto removed = cli({QStringLiteral("delete"), QString::fromStdString(saved), QStringLiteral("--yes")});
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_FALSE(fs::exists(ggufPath));
    EXPECT_FALSE(fs::exists(savedDir(saved)));
}

} // namespace

TEST_F(CliDeployGguf, Qwen3DeploysThroughGgufWithEveryQuantization)
{
    deploysThroughGgufWithEveryQuantization("qwen3", "gguf/model-bf16.gguf", "BF16");
}

TEST_F(CliDeployGguf, MistralDeploysThroughGgufWithEveryQuantization)
{
    deploysThroughGgufWithEveryQuantization("mistral", "gguf/model-f16.gguf", "F16");
}

TEST_F(CliDeployGguf, SafetensorsTheServerRefusesIsRefusedWithZeroBlobRequests)
{
    for (const std::string preset : {"qwen3", "mistral"}) {
        const std::string saved = savedModel(preset);
        const std::string architecture = preset == "qwen3" ? "Qwen3ForCausalLM" : "MistralForCausalLM";
        const auto result = deploy(saved, {QStringLiteral("--format"), QStringLiteral("safetensors")});
        EXPECT_EQ(result.exitCode, 1) << result.err;
        EXPECT_THAT(result.err, HasSubstr("Ollama 0.33.0 at"));
        EXPECT_THAT(result.err, HasSubstr("cannot convert the architecture " + architecture));
        EXPECT_THAT(result.err, HasSubstr("--format gguf"));
        EXPECT_EQ(requestsTo(QStringLiteral("/api/blobs/")), 0) << "no HEAD, no POST";
        EXPECT_EQ(requestsTo(QStringLiteral("/api/create")), 0);
        EXPECT_FALSE(fs::exists(savedDir(saved) + "/gguf"));
        const auto list = nlohmann::json::parse(cli({QStringLiteral("deployed"), QStringLiteral("--json")}).out);
        ASSERT_FALSE(list.empty());
        EXPECT_EQ(list.back()["status"], "failed");
    }
}

TEST_F(CliDeployGguf, LlamaWithAutoStillGoesAsSafetensors)
{
    const std::string saved = savedModel("llama");
    const auto result = deploy(saved, {QStringLiteral("--quantize"), QStringLiteral("q8_0")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    const auto create = m_server->lastCreateRequest();
    ASSERT_TRUE(create.has_value());
    EXPECT_TRUE((*create)["files"].contains("model.safetensors")) << create->dump();
    EXPECT_FALSE((*create)["files"].contains("model.gguf"));
    EXPECT_FALSE(fs::exists(savedDir(saved) + "/gguf"));
    EXPECT_EQ(recordOf(QString::fromStdString(result.out).trimmed().toStdString())["format"], "safetensors");

    // Asked for, the same model goes as GGUF (llama is one of the export's architectures).
    const auto gguf = deploy(saved, {QStringLiteral("--format"), QStringLiteral("gguf"), QStringLiteral("--gguf-type"),
                                     QStringLiteral("f32"), QStringLiteral("--quantize"), QStringLiteral("q4_K_M")});
    ASSERT_EQ(gguf.exitCode, 0) << gguf.err;
    EXPECT_TRUE(fs::is_regular_file(savedDir(saved) + "/gguf/model-f32.gguf"));
    EXPECT_THAT(gguf.err, HasSubstr("ollama: quantizing F32 model to Q4_K_M"));
}

TEST_F(CliDeployGguf, BadFormatOptionsAreUsageErrors)
{
    const std::string saved = savedModel("qwen3");
    for (const QStringList& args : {QStringList{QStringLiteral("--format"), QStringLiteral("ggml")},
                                    QStringList{QStringLiteral("--gguf-type"), QStringLiteral("q4_K_M")},
                                    QStringList{QStringLiteral("--gguf-type"), QStringLiteral("q8_0"),
                                                QStringLiteral("--quantize"), QStringLiteral("q4_K_M")}}) {
        const auto result = deploy(saved, args);
        EXPECT_EQ(result.exitCode, 2) << args.join(u' ').toStdString() << "\n" << result.err;
    }
    EXPECT_EQ(requestsTo(QStringLiteral("/api/")), 0);
    // q8_0 as written, with no quantization, is fine.
    const auto q8 = deploy(saved, {QStringLiteral("--gguf-type"), QStringLiteral("q8_0"), QStringLiteral("--quantize"),
                                   QStringLiteral("no_quantization")});
    ASSERT_EQ(q8.exitCode, 0) << q8.err;
    EXPECT_TRUE(fs::is_regular_file(savedDir(saved) + "/gguf/model-q8_0.gguf"));
}
