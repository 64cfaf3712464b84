// Replays the fuzz targets' seed corpora and every saved finding (tests/fuzz/regressions/<target>/) through the
// same target code the fuzzers run (tests/fuzz/*Fuzz.cpp, compiled here as plain functions), so a fixed crash stays
// fixed in the normal suite, with or without clang. A finding that comes back aborts its test (FUZZ_CHECK) or is
// reported by the sanitizers in build-asan.
#define DEEPEXT_FUZZ_REPLAY 1
#include "../../fuzz/AdapterPlanFuzz.cpp"
#include "../../fuzz/ChatLineFuzz.cpp"
#include "../../fuzz/DeploymentTemplateFuzz.cpp"
#include "../../fuzz/EvaluationPromptsFuzz.cpp"
#include "../../fuzz/GgufHeaderFuzz.cpp"
#include "../../fuzz/HttpRequestParserFuzz.cpp"
#include "../../fuzz/OllamaResponseFuzz.cpp"
#include "../../fuzz/SafeTensorsHeaderFuzz.cpp"
#include "../../fuzz/TokenizerJsonFuzz.cpp"
#include "../../fuzz/TrainingMetadataFuzz.cpp"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <vector>

namespace fs = std::filesystem;

namespace {

using Entry = int (*)(const std::uint8_t*, std::size_t);

// Runs every file of tests/fuzz/<kind>/<target>/ through `entry`; returns how many there were.
int replay(const char* kind, const char* target, Entry entry)
{
    const fs::path dir = fs::path(DEEPEXT_TEST_DATA_DIR) / ".." / "fuzz" / kind / target;
    int count = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file() || it->path().filename().string().front() == '.' ||
            it->path().extension() == ".md") {
            continue;
        }
        std::ifstream in(it->path(), std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        SCOPED_TRACE(it->path().string());
        try {
            entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
        } catch (const std::exception& e) {
            ADD_FAILURE() << it->path() << " escaped with " << e.what();
        } catch (...) {
            ADD_FAILURE() << it->path() << " escaped with an unknown exception";
        }
        ++count;
    }
    return count;
}

void replayTarget(const char* target, Entry entry)
{
    EXPECT_GT(replay("corpus", target, entry), 0) << "no seeds for " << target << " (tests/fuzz/make_corpus.py)";
    replay("regressions", target, entry);
}

} // namespace

TEST(FuzzReplay, SafeTensorsHeader)
{
    replayTarget("safetensors_header", deepext::fuzz::safeTensorsHeader);
}
TEST(FuzzReplay, AdapterPlan)
{
    replayTarget("adapter_plan", deepext::fuzz::adapterPlan);
}
TEST(FuzzReplay, DeploymentTemplate)
{
    replayTarget("deployment_template", deepext::fuzz::deploymentTemplate);
}
TEST(FuzzReplay, OllamaResponse)
{
    replayTarget("ollama_response", deepext::fuzz::ollamaResponse);
}
TEST(FuzzReplay, ChatLine)
{
    replayTarget("chat_line", deepext::fuzz::chatLine);
}

TEST(FuzzReplay, EvaluationPrompts)
{
    replayTarget("evaluation_prompts", deepext::fuzz::evaluationPrompts);
}

TEST(FuzzReplay, TrainingMetadata)
{
    replayTarget("training_metadata", deepext::fuzz::trainingMetadata);
}
TEST(FuzzReplay, HttpRequestParser)
{
    replayTarget("http_request_parser", deepext::fuzz::httpRequestParser);
}
TEST(FuzzReplay, TokenizerJson)
{
    replayTarget("tokenizer_json", deepext::fuzz::tokenizerJson);
}
TEST(FuzzReplay, GgufHeader)
{
    replayTarget("gguf_header", deepext::fuzz::ggufHeader);
}

// Names read back from registries a user may edit by hand never become paths outside saved_models/.
TEST(PathHardening, SavedModelPathRefusesNamesThatLeaveTheFolder)
{
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto workspace = deepext::Workspace::open(dir.path().toStdString());
    for (const std::string& name :
         std::vector<std::string>{"..", ".", "", "../x", "a/b", "/etc", "x/../y", "a\\b", "..hidden", "a..b",
                                  std::string("a\nb"), std::string(300, 'a')}) {
        EXPECT_THROW(workspace.savedModelPath(name), deepext::Error) << name;
        EXPECT_FALSE(workspace.savedModelExists(name)) << name;
        EXPECT_FALSE(workspace.findSavedModel(name).has_value()) << name;
    }
    EXPECT_EQ(workspace.savedModelPath("demo_s_1a2b"), workspace.savedModelsDir() + "/demo_s_1a2b");
}
