// The format decision over ollama-api.md §4.5's table: the versions where an entry was added (Qwen2 in 0.5.6) or
// removed (Mistral in 0.6.5) on both sides of the edge, each requested format, and what the messages name.
#include "deepext/ollama/DeployFormatChooser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using deepext::ollama::DeployFormat;
using deepext::ollama::DeployFormatChooser;
using deepext::ollama::FormatDecision;
using deepext::ollama::OllamaVersion;

namespace {

const QString Server = QStringLiteral("http://127.0.0.1:11434");
// What our GGUF export writes (GgufArchitecture::supported(); the ollama layer is given the list).
const std::vector<std::string> Gguf{"LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM",
                                    "Qwen3ForCausalLM", "Gemma2ForCausalLM",  "Phi3ForCausalLM"};

FormatDecision choose(DeployFormat format, const std::string& version, const std::string& architecture,
                      const std::vector<std::string>& gguf = Gguf)
{
    return DeployFormatChooser::choose(format, OllamaVersion::parse(version), version, architecture, gguf, Server);
}

struct Edge
{
    const char* version;
    const char* architecture;
    DeployFormat autoFormat; // what auto picks
};

} // namespace

TEST(DeployFormatChooser, AutoFollowsTheTableAtItsEdges)
{
    const std::vector<Edge> edges{
        {"0.5.5", "Qwen2ForCausalLM", DeployFormat::Gguf},        // before Qwen2 was added
        {"0.5.6", "Qwen2ForCausalLM", DeployFormat::Safetensors}, // added
        {"0.5.6-rc1", "Qwen2ForCausalLM", DeployFormat::Safetensors},
        {"0.6.4", "MistralForCausalLM", DeployFormat::Safetensors}, // last with Mistral
        {"0.6.5", "MistralForCausalLM", DeployFormat::Gguf},        // removed
        {"0.33.0", "MistralForCausalLM", DeployFormat::Gguf},
        {"0.5.5", "Qwen3ForCausalLM", DeployFormat::Gguf}, // never converted
        {"0.33.0", "Qwen3ForCausalLM", DeployFormat::Gguf},
        {"0.0.0", "Qwen3ForCausalLM", DeployFormat::Gguf}, // a source build is judged by the snapshot
        {"not-a-version", "Qwen3ForCausalLM", DeployFormat::Gguf},
        {"0.5.5", "LlamaForCausalLM", DeployFormat::Safetensors},
        {"0.33.0", "LlamaForCausalLM", DeployFormat::Safetensors},
        {"0.33.0", "Gemma2ForCausalLM", DeployFormat::Safetensors},
        {"0.33.0", "Phi3ForCausalLM", DeployFormat::Safetensors},
    };
    for (const Edge& edge : edges) {
        const FormatDecision decision = choose(DeployFormat::Auto, edge.version, edge.architecture);
        EXPECT_TRUE(decision.ok()) << edge.version << " " << edge.architecture << ": " << decision.error.toStdString();
        EXPECT_EQ(decision.format, edge.autoFormat) << edge.version << " " << edge.architecture;
        EXPECT_TRUE(decision.warnings.empty()) << edge.version << " " << edge.architecture;
    }
}

TEST(DeployFormatChooser, SafetensorsTheServerRefusesIsRefusedNamingArchitectureVersionAndWayOut)
{
    for (const auto& [version, architecture] : std::vector<std::pair<std::string, std::string>>{
             {"0.33.0", "Qwen3ForCausalLM"}, {"0.6.5", "MistralForCausalLM"}, {"0.5.5", "Qwen2ForCausalLM"}}) {
        const FormatDecision decision = choose(DeployFormat::Safetensors, version, architecture);
        ASSERT_FALSE(decision.ok()) << version << " " << architecture;
        const std::string error = decision.error.toStdString();
        EXPECT_NE(error.find(architecture), std::string::npos) << error;
        EXPECT_NE(error.find("Ollama " + version + " at " + Server.toStdString()), std::string::npos) << error;
        EXPECT_NE(error.find("--format gguf"), std::string::npos) << error;
        EXPECT_NE(error.find("nothing was uploaded"), std::string::npos) << error;
    }
    // One edge further the server takes them.
    EXPECT_TRUE(choose(DeployFormat::Safetensors, "0.6.4", "MistralForCausalLM").ok());
    EXPECT_TRUE(choose(DeployFormat::Safetensors, "0.5.6", "Qwen2ForCausalLM").ok());
}

TEST(DeployFormatChooser, NeitherConverterNorExportIsRefusedNamingBothLists)
{
    for (const DeployFormat format : {DeployFormat::Auto, DeployFormat::Safetensors}) {
        const FormatDecision decision = choose(format, "0.33.0", "GraniteForCausalLM");
        ASSERT_FALSE(decision.ok());
        const std::string error = decision.error.toStdString();
        EXPECT_NE(error.find("GraniteForCausalLM"), std::string::npos) << error;
        EXPECT_NE(error.find("converter accepts LlamaForCausalLM, MixtralForCausalLM"), std::string::npos) << error;
        EXPECT_NE(error.find("the GGUF export writes LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
                             "Qwen3ForCausalLM, Gemma2ForCausalLM, Phi3ForCausalLM"),
                  std::string::npos)
            << error;
        // The converter's list is the one of this version: Mistral went in 0.6.5, Qwen3 never came.
        EXPECT_EQ(error.find("converter accepts LlamaForCausalLM, MistralForCausalLM"), std::string::npos) << error;
    }
    const std::string old = choose(DeployFormat::Auto, "0.6.4", "GraniteForCausalLM").error.toStdString();
    EXPECT_NE(old.find("converter accepts LlamaForCausalLM, MistralForCausalLM"), std::string::npos) << old;
}

TEST(DeployFormatChooser, GgufIsRefusedOnlyForWhatTheExportCannotWrite)
{
    const FormatDecision llama = choose(DeployFormat::Gguf, "0.33.0", "LlamaForCausalLM");
    EXPECT_TRUE(llama.ok());
    EXPECT_EQ(llama.format, DeployFormat::Gguf);
    const FormatDecision gemma3 = choose(DeployFormat::Gguf, "0.33.0", "Gemma3ForCausalLM");
    ASSERT_FALSE(gemma3.ok());
    EXPECT_NE(gemma3.error.toStdString().find("Gemma3ForCausalLM cannot be deployed as GGUF: the GGUF export writes "
                                              "only LlamaForCausalLM"),
              std::string::npos)
        << gemma3.error.toStdString();
    EXPECT_FALSE(choose(DeployFormat::Gguf, "0.33.0", "").ok());
    // No GGUF writer given (an empty list): GGUF is no option, and auto refuses what the server cannot convert.
    EXPECT_FALSE(choose(DeployFormat::Auto, "0.33.0", "Qwen3ForCausalLM", {}).ok());
}

TEST(DeployFormatChooser, UnsureArchitecturesWarnInsteadOfRefusing)
{
    // Olmo 3 is certain only at the snapshot; an older server may have it.
    const FormatDecision decision = choose(DeployFormat::Auto, "0.6.0", "Olmo3ForCausalLM");
    ASSERT_TRUE(decision.ok()) << decision.error.toStdString();
    EXPECT_EQ(decision.format, DeployFormat::Safetensors);
    ASSERT_EQ(decision.warnings.size(), 1U);
    EXPECT_NE(decision.warnings[0].toStdString().find("not known to convert the architecture Olmo3ForCausalLM"),
              std::string::npos);
    EXPECT_TRUE(choose(DeployFormat::Auto, "0.33.0", "Olmo3ForCausalLM").warnings.empty());
}

TEST(DeployFormatChooser, Names)
{
    EXPECT_EQ(DeployFormatChooser::fromName("GGUF"), DeployFormat::Gguf);
    EXPECT_EQ(DeployFormatChooser::fromName("safetensors"), DeployFormat::Safetensors);
    EXPECT_EQ(DeployFormatChooser::fromName("auto"), DeployFormat::Auto);
    EXPECT_FALSE(DeployFormatChooser::fromName("ggml").has_value());
    EXPECT_EQ(DeployFormatChooser::name(DeployFormat::Gguf), "gguf");
}
