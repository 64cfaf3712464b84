// The deploy pre-flight as a table: one row per case, a request (changed from a valid one) and, for the server
// checks, the version text /api/version answered, in; the decision out. No server, no files.
#include "deepext/ollama/DeployPreflight.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

using deepext::ManifestEntry;
using deepext::ollama::CreateApi;
using deepext::ollama::DeployFormat;
using deepext::ollama::DeployPreflight;
using deepext::ollama::DeployRequest;
using deepext::ollama::PreflightDecision;

namespace {

const std::string Sha(64, 'a');
const QString Server = QStringLiteral("http://127.0.0.1:11434");

DeployRequest validRequest()
{
    DeployRequest r;
    r.serverUrl = Server;
    r.modelDirectory = QStringLiteral("/models/acme-merged");
    r.files = {{"README.md", 10, Sha},
               {"config.json", 20, std::string(64, 'b')},
               {"model.safetensors", 1000, std::string(64, 'c')},
               {"model_card.json", 30, std::string(64, 'd')},
               {"tokenizer.json", 40, std::string(64, 'e')}};
    r.ollamaName = "acme-merged_d_ab12_q8_0";
    r.quantize = "q8_0";
    r.templateText = "{{ .Prompt }}";
    r.parameters = {{"num_ctx", 4096}, {"stop", {"</s>"}}};
    r.architecture = "LlamaForCausalLM";
    return r;
}

ManifestEntry& entry(DeployRequest& r, const std::string& path)
{
    for (ManifestEntry& e : r.files) {
        if (e.path == path) {
            return e;
        }
    }
    throw std::logic_error("no entry " + path);
}

struct Row
{
    const char* name = "";
    std::function<void(DeployRequest&)> change = {};
    std::optional<std::string> serverVersion = std::nullopt; // set: checkServer() runs after checkRequest()
    std::string error = {};                                  // empty: the deploy goes on
    std::vector<std::string> warnings = {};                  // each a part of one warning, in order
    CreateApi createApi = CreateApi::Unknown;
    std::function<void(const PreflightDecision&)> more = {};
};

void PrintTo(const Row& row, std::ostream* out)
{
    *out << row.name;
}

const auto noChange = [](DeployRequest&) {};

const std::vector<Row> Rows{
    // The request on its own.
    {.name = "ValidRequestGoesOn",
     .change = noChange,
     .more =
         [](const PreflightDecision& d) {
             ASSERT_EQ(d.files.size(), 3u); // model_card.json and README.md are not sent
             EXPECT_EQ(d.files[0].entry.path, "model.safetensors");
             EXPECT_EQ(d.files[0].digest, QStringLiteral("sha256:") + QString(64, u'c'));
             EXPECT_EQ(d.files[1].entry.path, "config.json");
             EXPECT_EQ(d.files[2].entry.path, "tokenizer.json");
         }},
    {.name = "FtpUrlIsRefused",
     .change = [](DeployRequest& r) { r.serverUrl = QStringLiteral("ftp://x"); },
     .error = "\"ftp://x\" is not a usable Ollama server URL; expected http://host:port or https://host:port."},
    {.name = "UrlWithoutHostIsRefused",
     .change = [](DeployRequest& r) { r.serverUrl = QStringLiteral("http://"); },
     .error = "is not a usable Ollama server URL"},
    {.name = "UnsupportedQuantizeIsRefused",
     .change = [](DeployRequest& r) { r.quantize = "q5_K_M"; },
     .error = "Quantization \"q5_K_M\" is not supported; choose no_quantization, q8_0, q4_K_M or q4_K_S."},
    {.name = "QuantizeGetsItsCanonicalSpelling",
     .change = [](DeployRequest& r) { r.quantize = "Q4_k_m"; },
     .more = [](const PreflightDecision& d) { EXPECT_EQ(d.request.quantize, "q4_K_M"); }},
    {.name = "InvalidNameIsRefused",
     .change = [](DeployRequest& r) { r.ollamaName = "bad name!"; },
     .error = "The Ollama model name \"bad name!\" is not valid"},
    {.name = "TooLongNameIsRefused",
     .change = [](DeployRequest& r) { r.ollamaName = std::string(81, 'a'); },
     .error = "is 81 characters long"},
    {.name = "MissingTemplateIsRefused",
     .change = [](DeployRequest& r) { r.templateText.reset(); },
     .error = "There is no prompt template for acme-merged_d_ab12_q8_0: its base model has no Deployment Template "
              "File."},
    {.name = "BlankTemplateIsRefused",
     .change = [](DeployRequest& r) { r.templateText = " \t\n"; },
     .error = "There is no prompt template for"},
    {.name = "AutodetectAllowsNoTemplate",
     .change =
         [](DeployRequest& r) {
             r.templateText.reset();
             r.autodetectTemplate = true;
         }},
    {.name = "StringForAnIntegerParameterIsRefused",
     .change = [](DeployRequest& r) { r.parameters["num_ctx"] = "4096"; },
     .error = "Invalid deploy parameter: parameter num_ctx must be an integer"},
    {.name = "UnknownParameterIsRefused",
     .change = [](DeployRequest& r) { r.parameters["bogus"] = 1; },
     .error = "Invalid deploy parameter: unknown parameter 'bogus'"},
    {.name = "DeprecatedParameterIsDroppedWithAWarning",
     .change = [](DeployRequest& r) { r.parameters["mirostat"] = 1; },
     .warnings = {"Parameter mirostat is deprecated in Ollama and is not sent."},
     .more =
         [](const PreflightDecision& d) {
             EXPECT_FALSE(d.request.parameters.contains("mirostat"));
             EXPECT_EQ(d.request.parameters["num_ctx"], 4096);
         }},
    {.name = "ParametersThatAreNoObjectAreRefused",
     .change = [](DeployRequest& r) { r.parameters = nlohmann::json::array(); },
     .error = "The deploy parameters must be a JSON object of name: value."},
    {.name = "MessagesThatAreNoArrayAreRefused",
     .change = [](DeployRequest& r) { r.messages = nlohmann::json::object(); },
     .error = "The deploy messages must be a JSON array of {role, content}."},
    {.name = "ManifestWithoutWeightsIsRefused",
     .change = [](DeployRequest& r) { entry(r, "model.safetensors").path = "notes.txt"; },
     .error = "The model in /models/acme-merged has no weight files Ollama can import"},
    {.name = "PathOutsideTheModelIsRefused",
     .change = [](DeployRequest& r) { entry(r, "tokenizer.json").path = "../tokenizer.json"; },
     .error = "The model card lists \"../tokenizer.json\", which is not a relative path inside the model."},
    {.name = "InvalidShaIsRefused",
     .change = [](DeployRequest& r) { entry(r, "config.json").sha256 = "xyz"; },
     .error = "The model card has no valid SHA-256 for config.json (\"xyz\"); verify the saved model."},
    {.name = "FirstFailingCheckWins",
     .change =
         [](DeployRequest& r) {
             r.quantize = "f16";
             r.ollamaName = "bad name!";
         },
     .error = "Quantization \"f16\" is not supported"},

    // What the server can take.
    {.name = "CurrentServerTakesJsonCreate",
     .change = noChange,
     .serverVersion = "0.33.0-rc2",
     .createApi = CreateApi::JsonFiles},
    {.name = "FirstJsonCreateVersionIsEnough",
     .change = noChange,
     .serverVersion = "0.5.5",
     .createApi = CreateApi::JsonFiles},
    {.name = "OldServerIsRefusedWithAnUpgradeMessage",
     .change = noChange,
     .serverVersion = "0.5.4",
     .error = "Ollama at http://127.0.0.1:11434 is version 0.5.4, too old to deploy to: deploying needs Ollama 0.5.5 "
              "or later.",
     .createApi = CreateApi::Modelfile},
    {.name = "SourceBuildCountsAsCurrent",
     .change = noChange,
     .serverVersion = "0.0.0",
     .createApi = CreateApi::JsonFiles},
    {.name = "VersionThatIsNoNumberWarns",
     .change = noChange,
     .serverVersion = "main-abc",
     .warnings = {"Ollama at http://127.0.0.1:11434 reports the version \"main-abc\", which is not a version number"},
     .createApi = CreateApi::JsonFiles},
    {.name = "ModelWithoutArchitectureWarns",
     .change = [](DeployRequest& r) { r.architecture.clear(); },
     .serverVersion = "0.33.0",
     .warnings = {"The model's config.json names no architecture"},
     .createApi = CreateApi::JsonFiles},
    {.name = "ArchitectureOnlyTheSnapshotConvertsWarns",
     .change = [](DeployRequest& r) { r.architecture = "Olmo3ForCausalLM"; },
     .serverVersion = "0.5.7",
     .warnings = {"Ollama 0.5.7 is not known to convert the architecture Olmo3ForCausalLM"},
     .createApi = CreateApi::JsonFiles},
    {.name = "ArchitectureNotYetConvertedAndNoGgufIsRefused",
     .change = [](DeployRequest& r) { r.architecture = "Gemma3ForCausalLM"; },
     .serverVersion = "0.5.7",
     .error = "Ollama 0.5.7 at http://127.0.0.1:11434 cannot deploy the architecture Gemma3ForCausalLM",
     .createApi = CreateApi::JsonFiles},
    {.name = "ArchitectureLaterDroppedGoesAsGguf",
     .change =
         [](DeployRequest& r) {
             r.architecture = "MistralForCausalLM";
             r.ggufArchitectures = {"LlamaForCausalLM", "MistralForCausalLM"};
         },
     .serverVersion = "0.6.5",
     .createApi = CreateApi::JsonFiles,
     .more = [](const PreflightDecision& d) { EXPECT_EQ(d.format, DeployFormat::Gguf); }},
    {.name = "SafetensorsOfAnArchitectureTheServerRefusesIsRefused",
     .change =
         [](DeployRequest& r) {
             r.architecture = "Qwen3ForCausalLM";
             r.format = DeployFormat::Safetensors;
             r.ggufArchitectures = {"Qwen3ForCausalLM"};
         },
     .serverVersion = "0.33.0",
     .error = "Ollama 0.33.0 at http://127.0.0.1:11434 cannot convert the architecture Qwen3ForCausalLM from "
              "safetensors",
     .createApi = CreateApi::JsonFiles},
    {.name = "RequestWarningsSurviveTheServerCheck",
     .change = [](DeployRequest& r) { r.parameters["low_vram"] = true; },
     .serverVersion = "0.0.0",
     .warnings = {"Parameter low_vram is deprecated"},
     .createApi = CreateApi::JsonFiles},
};

class DeployPreflightTable : public ::testing::TestWithParam<Row>
{
};

TEST_P(DeployPreflightTable, Decides)
{
    const Row& row = GetParam();
    DeployRequest request = validRequest();
    row.change(request);
    PreflightDecision decision = DeployPreflight::checkRequest(request);
    if (row.serverVersion) {
        ASSERT_TRUE(decision.ok()) << "the request checks must pass before the server is asked: "
                                   << decision.error.toStdString();
        decision = DeployPreflight::checkServer(decision, *row.serverVersion, Server);
    }
    if (row.error.empty()) {
        EXPECT_TRUE(decision.ok()) << decision.error.toStdString();
    } else {
        EXPECT_FALSE(decision.ok());
        EXPECT_NE(decision.error.toStdString().find(row.error), std::string::npos) << decision.error.toStdString();
        EXPECT_TRUE(decision.files.empty()) << "a refused deploy plans no files";
    }
    ASSERT_EQ(decision.warnings.size(), row.warnings.size());
    for (std::size_t i = 0; i < row.warnings.size(); ++i) {
        EXPECT_NE(decision.warnings[i].toStdString().find(row.warnings[i]), std::string::npos)
            << decision.warnings[i].toStdString();
    }
    EXPECT_EQ(decision.createApi, row.createApi);
    if (row.more) {
        row.more(decision);
    }
}

INSTANTIATE_TEST_SUITE_P(Rows, DeployPreflightTable, ::testing::ValuesIn(Rows),
                         [](const ::testing::TestParamInfo<Row>& row) { return std::string(row.param.name); });

// checkCollision: the name against the server's models (/api/tags) and our records, before any blob request.
PreflightDecision checkCollision(const std::function<void(DeployRequest&)>& change, const nlohmann::json& models)
{
    DeployRequest request = validRequest();
    change(request);
    PreflightDecision decision = DeployPreflight::checkRequest(request);
    EXPECT_TRUE(decision.ok()) << decision.error.toStdString();
    return DeployPreflight::checkCollision(std::move(decision), {{"models", models}}, Server);
}

nlohmann::json tagsOf(const std::vector<std::string>& names)
{
    nlohmann::json models = nlohmann::json::array();
    for (const auto& name : names) {
        models.push_back({{"name", name}, {"model", name}, {"digest", Sha}});
    }
    return models;
}

TEST(DeployPreflightName, TypedNameTheServerHas_IsRefusedNamingServerModelAndReplace)
{
    const auto decision = checkCollision([](DeployRequest& r) { r.ollamaName = "Support-Bot"; },
                                         tagsOf({"llama3:latest", "support-bot:latest"}));
    ASSERT_FALSE(decision.ok());
    const std::string error = decision.error.toStdString();
    EXPECT_NE(error.find("127.0.0.1:11434"), std::string::npos) << error;
    EXPECT_NE(error.find("Support-Bot:latest"), std::string::npos) << error;
    EXPECT_NE(error.find("--replace"), std::string::npos) << error;
    EXPECT_TRUE(decision.files.empty());
}

TEST(DeployPreflightName, TypedNameTheServerHas_IsReplacedWhenAsked)
{
    const auto decision = checkCollision(
        [](DeployRequest& r) {
            r.ollamaName = "support-bot";
            r.replaceExisting = true;
        },
        tagsOf({"support-bot:latest"}));
    ASSERT_TRUE(decision.ok()) << decision.error.toStdString();
    EXPECT_TRUE(decision.replacesExisting);
    EXPECT_EQ(decision.request.ollamaName, "support-bot");
    EXPECT_FALSE(decision.files.empty());
}

TEST(DeployPreflightName, FreeNames_GoOnUnchanged)
{
    for (const bool generated : {false, true}) {
        const auto decision = checkCollision(
            [&](DeployRequest& r) {
                r.replaceExisting = true; // nothing to replace: not reported as replaced
                r.generatedFrom = generated ? "acme-merged" : "";
            },
            tagsOf({"other:latest"}));
        ASSERT_TRUE(decision.ok()) << decision.error.toStdString();
        EXPECT_FALSE(decision.replacesExisting);
        EXPECT_EQ(decision.request.ollamaName, "acme-merged_d_ab12_q8_0");
        EXPECT_TRUE(decision.warnings.empty());
    }
}

TEST(DeployPreflightName, GeneratedNameThatIsTaken_GetsAFreshDeploySuffix)
{
    // Taken on the server, or only in our records (a model deleted behind our back keeps its record).
    for (const bool onServer : {true, false}) {
        const auto decision = checkCollision(
            [&](DeployRequest& r) {
                r.generatedFrom = "acme-merged";
                if (!onServer) {
                    r.recordedNames = {"ACME-merged_d_ab12_q8_0"};
                }
            },
            tagsOf(onServer ? std::vector<std::string>{"acme-merged_d_ab12_q8_0:latest"} : std::vector<std::string>{}));
        ASSERT_TRUE(decision.ok()) << decision.error.toStdString();
        const std::string name = decision.request.ollamaName;
        EXPECT_NE(name, "acme-merged_d_ab12_q8_0");
        EXPECT_EQ(name.rfind("acme-merged_d_", 0), 0U) << name;
        EXPECT_EQ(name.size(), std::string("acme-merged_d_ab12_q8_0").size()) << name;
        EXPECT_EQ(name.substr(name.size() - 5), "_q8_0");
        EXPECT_FALSE(decision.replacesExisting);
        ASSERT_EQ(decision.warnings.size(), 1U);
        EXPECT_NE(decision.warnings[0].toStdString().find("deploying as " + name), std::string::npos);
    }
}

TEST(DeployPreflightName, ANameAnotherDeployIsCreating_IsRefusedEvenWithReplace)
{
    const auto decision = checkCollision(
        [](DeployRequest& r) {
            r.ollamaName = "support-bot";
            r.replaceExisting = true;
            r.busyNames = {"support-bot"};
        },
        tagsOf({}));
    ASSERT_FALSE(decision.ok());
    EXPECT_NE(decision.error.toStdString().find("Another deploy is creating support-bot:latest"), std::string::npos)
        << decision.error.toStdString();
}

TEST(DeployPreflight, CreateApiOfEachEra)
{
    using deepext::ollama::OllamaVersion;
    EXPECT_EQ(DeployPreflight::createApiOf(OllamaVersion(0, 5, 4)), CreateApi::Modelfile);
    EXPECT_EQ(DeployPreflight::createApiOf(OllamaVersion(0, 5, 5)), CreateApi::JsonFiles);
    EXPECT_EQ(DeployPreflight::createApiOf(OllamaVersion::parse("0.5.5-rc1")), CreateApi::JsonFiles);
    EXPECT_EQ(DeployPreflight::createApiOf(OllamaVersion(0, 0, 0)), CreateApi::JsonFiles);
    EXPECT_EQ(DeployPreflight::createApiOf(OllamaVersion::parse("nonsense")), CreateApi::JsonFiles);
}

} // namespace
