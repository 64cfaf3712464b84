// Issue 11's proof with the real runtime: for every supported architecture, a tiny model exported by
// `deepext-cli export-gguf` loads in llama.cpp, its next-token logits match the fp32 reference forward pass over
// the safetensors (f32: top-1 identical and max |diff| <= 1e-3; bf16: top-1 identical), and llama.cpp tokenizes
// like the model's own tokenizer.
//
// Built only with -DDEEPEXT_LLAMA_E2E=ON (tests/llama/CMakeLists.txt): it needs the exporter, which lands
// separately. To finish when enabling it:
//  - tokenizerFolder(): switch from the placeholder to the real small tokenizers in tests/data/tokenizers/
//    (gemma2 needs a SentencePiece tokenizer.model: llama.cpp's converter always takes that path for Gemma 2);
//  - SentencePiece folders without tokenizer.json: compare llama.cpp's ids with libsentencepiece instead of
//    @huggingface/tokenizers (TokenizationMatchesTheModelsTokenizer).
#include "CliRunner.h"
#include "LlamaProbe.h"
#include "LogitComparison.h"
#include "PlaceholderTokenizer.h"
#include "ReferenceForward.h"
#include "TinyModelFactory.h"
#include "deepext/base/AtomicFile.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

using namespace deepext::test;

namespace {

// The GGUF architecture llama.cpp's converter writes for each preset's HF class (Mistral is written as llama).
const std::map<std::string, std::string>& ggufArchitecture()
{
    static const std::map<std::string, std::string> names{
        {"llama", "llama"}, {"llama31", "llama"}, {"mistral", "llama"}, {"qwen2", "qwen2"},
        {"qwen3", "qwen3"}, {"gemma2", "gemma2"}, {"phi3", "phi3"}};
    return names;
}

// Texts for the tokenizer comparison: ASCII, runs of spaces, digits, punctuation, non-ASCII, a special token.
std::vector<std::string> tokenizerTexts(const std::string& specialToken)
{
    return {"Hello world",
            "  two  spaces   and a tab\there",
            "digits 12345 and 3.14159, 1000000",
            "punctuation!? (yes) -- 'quoted' \"double\" ...",
            "na\xC3\xAFve caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80",
            "before " + specialToken + " after"};
}

class GgufExportJudgedByLlama : public ::testing::TestWithParam<std::string>
{
protected:
    void SetUp() override
    {
        DEEPEXT_REQUIRE_LLAMA(m_probe);
        ASSERT_TRUE(m_dir.isValid());
        m_tokenizer = tokenizerFolder(GetParam());
        m_model = TinyModelFactory::write(TinyModelFactory::preset(GetParam(), m_tokenizer), path("model"));
    }

    std::string path(const std::string& name) const { return m_dir.path().toStdString() + "/" + name; }

    // The placeholder tokenizer until the real small tokenizers are merged (see the note at the top).
    std::string tokenizerFolder(const std::string& preset) const
    {
        const std::string folder = path("tokenizer");
        PlaceholderTokenizer::write(folder, PlaceholderTokenizer::styleFor(preset));
        return folder;
    }

    // Runs the real exporter; the caller wraps it in ASSERT_NO_FATAL_FAILURE.
    void exportGguf(const std::string& type, std::string& out) const
    {
        out = path("model-" + type + ".gguf");
        const CliResult result =
            runCli({QStringLiteral("export-gguf"), QStringLiteral("--model"), QString::fromStdString(m_model),
                    QStringLiteral("--out"), QString::fromStdString(out), QStringLiteral("--type"),
                    QString::fromStdString(type)});
        ASSERT_EQ(result.exitCode, 0) << result.err;
        ASSERT_TRUE(std::filesystem::exists(out)) << result.err;
    }

    // Prompts as the model's own tokenizer encodes them (special tokens included), so both sides see the same ids.
    std::vector<std::vector<int>> prompts() const
    {
        return m_probe.hfTokenize(m_tokenizer,
                                  {"The quick brown fox", "and then the", "Hello, world! 42",
                                   "a longer prompt that runs past the sliding window of the tiny gemma model"},
                                  true);
    }

    // GELU as llama.cpp's CPU backend computes it (an fp16 table): with the exact GELU, tiny Gemma 2 logits differ
    // from llama.cpp's by up to 1.4e-3 for that reason alone (7.5e-5 with the table), which would measure ggml's
    // table, not the export. Only Gemma 2 uses GELU here.
    ReferenceForward referenceOfTheModel() const
    {
        ReferenceForward reference = ReferenceForward::load(m_model);
        reference.setGelu(ReferenceForward::Gelu::GgmlCpuTable);
        return reference;
    }

    LlamaProbe m_probe;
    QTemporaryDir m_dir;
    std::string m_tokenizer;
    std::string m_model;
};

} // namespace

TEST_P(GgufExportJudgedByLlama, F32LogitsMatchTheReference)
{
    std::string gguf;
    ASSERT_NO_FATAL_FAILURE(exportGguf("f32", gguf));
    const LlamaModelInfo info = m_probe.load(gguf);
    ASSERT_TRUE(info.loaded) << info.error;
    EXPECT_EQ(info.architecture, ggufArchitecture().at(GetParam()));
    const ReferenceForward reference = referenceOfTheModel();
    EXPECT_EQ(info.vocabSize, reference.config().vocabSize);

    const auto sequences = prompts();
    const auto actual = m_probe.nextTokenLogits(gguf, sequences);
    ASSERT_EQ(actual.size(), sequences.size());
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        const auto comparison = LogitComparison::compare(reference.nextTokenLogits(sequences[i]), actual[i]);
        EXPECT_TRUE(comparison.sameTop()) << "prompt " << i << ": " << comparison.describe();
        EXPECT_LE(comparison.maxAbsDiff, 1e-3) << "prompt " << i << ": " << comparison.describe();
    }
}

TEST_P(GgufExportJudgedByLlama, Bf16AgreesOnTop1)
{
    std::string gguf;
    ASSERT_NO_FATAL_FAILURE(exportGguf("bf16", gguf));
    const ReferenceForward reference = referenceOfTheModel();
    const auto sequences = prompts();
    const auto actual = m_probe.nextTokenLogits(gguf, sequences);
    ASSERT_EQ(actual.size(), sequences.size());
    for (std::size_t i = 0; i < sequences.size(); ++i) {
        const auto comparison = LogitComparison::compare(reference.nextTokenLogits(sequences[i]), actual[i]);
        EXPECT_TRUE(comparison.sameTop()) << "prompt " << i << ": " << comparison.describe();
    }
}

TEST_P(GgufExportJudgedByLlama, TokenizationMatchesTheModelsTokenizer)
{
    std::string gguf;
    ASSERT_NO_FATAL_FAILURE(exportGguf("f32", gguf));
    const auto config = nlohmann::json::parse(deepext::readWholeFile(m_tokenizer + "/tokenizer_config.json"));
    const auto& eos = config.at("eos_token"); // a string, or {"content": ...}
    const std::string special = eos.is_string() ? eos.get<std::string>() : eos.at("content").get<std::string>();
    const auto texts = tokenizerTexts(special);
    std::vector<LlamaTokenizeItem> items;
    for (const auto& text : texts) {
        items.push_back({text, true, std::nullopt}); // BOS as the GGUF's add_bos_token says
    }
    const auto llama = m_probe.tokenize(gguf, items);
    const auto reference = m_probe.hfTokenize(m_tokenizer, texts, true);
    ASSERT_EQ(llama.size(), reference.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        EXPECT_EQ(llama[i], reference[i]) << "text: " << texts[i];
    }
}

INSTANTIATE_TEST_SUITE_P(Architectures, GgufExportJudgedByLlama, ::testing::ValuesIn(TinyModelFactory::presetNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });
