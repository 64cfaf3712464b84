// Issue 11's proof with the real runtime: for every supported architecture, a tiny model with its family's tiny
// real tokenizer (tests/data/tokenizers) is exported by `deepext-cli export-gguf` as f32, bf16 and q8_0; each file
// passes the strict GGUF reader and loads in llama.cpp, and llama.cpp's next-token logits match the fp32 reference
// forward pass over the safetensors (f32: top-1 identical and max |diff| <= 1e-3; bf16: top-1 identical; q8_0:
// top-1 identical where the reference's margin allows, with the margins asserted so the checks mean something);
// llama.cpp tokenizes like the model's own tokenizer (@huggingface/tokenizers for byte-level BPE, libsentencepiece
// for SentencePiece). All three files are asked about in one probe run: setting llama.cpp up is most of a run's time.
#include "CliGgufExport.h"
#include "LlamaProbe.h"
#include "LogitComparison.h"
#include "ReferenceForward.h"
#include "SentencePieceReference.h"
#include "TinyModelFactory.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/gguf/GgmlType.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

using namespace deepext::test;

namespace {

constexpr double F32Bound = 1e-3;
// The smallest top-1 margin (reference top-1 minus top-2 logit) every prompt must have for a bf16 export's top-1 to
// be a real check: rounding every weight to bf16 moves these tiny models' logits by at most 0.1 (docs/testing.md),
// so a flip needs the two logits to move apart by more than they do. Below it a near tie could flip either way and
// the check would say nothing; TinyModelFactory's seeds are chosen so every prompt clears it.
constexpr double Bf16MinimumMargin = 0.25;
// q8_0 moves the logits about 3.5 times as much (at most 0.47 measured): its top-1 is checked on the prompts whose
// margin is at least this, and at least three of the four prompts must have it.
constexpr double Q8_0MinimumMargin = 0.5;
constexpr std::size_t Q8_0MinimumPromptsChecked = 3;

// The GGUF architecture llama.cpp's converter writes for each preset's HF class (Mistral is written as llama).
const std::map<std::string, std::string>& ggufArchitecture()
{
    static const std::map<std::string, std::string> names{
        {"llama", "llama"}, {"llama31", "llama"}, {"mistral", "llama"}, {"qwen2", "qwen2"},
        {"qwen3", "qwen3"}, {"gemma2", "gemma2"}, {"phi3", "phi3"}};
    return names;
}

// Prompts for the logit comparison, tokenized by llama.cpp with special tokens and its BOS rule; the reference
// computes from the same ids. The last runs past Gemma 2's sliding window of 4.
const std::vector<std::string>& prompts()
{
    static const std::vector<std::string> texts{
        "The quick brown fox", "and then the", "Hello, world! 42",
        "a longer prompt that runs past the sliding window of the tiny gemma model"};
    return texts;
}

// Texts for the tokenizer comparison: ASCII, runs of spaces, digits, punctuation, newlines, non-ASCII, a special
// token. "1845" and ".\n\n" tell the byte-level BPE pre-tokenizers apart with these tiny vocabularies (which have
// "18", "45" and ".ĊĊ"): Llama 3 splits digits in threes ("184" "5") and keeps newlines with punctuation, Qwen2
// splits single digits, GPT-2 takes " 1845" whole and "." apart from "\n\n".
std::vector<std::string> tokenizerTexts(const std::string& specialToken)
{
    return {"Hello world",
            "  two  spaces   and a tab\there",
            "digits 12345 and 3.14159, 1000000 in 1845",
            "punctuation!? (yes) -- 'quoted' \"double\" ...",
            "lines.\n\nand a new one\n",
            "na\xC3\xAFve caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80",
            "before " + specialToken + " after"};
}

std::vector<LlamaTokenizeItem> withSpecialTokens(const std::vector<std::string>& texts)
{
    std::vector<LlamaTokenizeItem> items;
    for (const auto& text : texts) {
        items.push_back({text, true, std::nullopt}); // BOS as the GGUF's add_bos_token says
    }
    return items;
}

class GgufExportJudgedByLlama : public ::testing::TestWithParam<std::string>
{
protected:
    void SetUp() override
    {
        DEEPEXT_REQUIRE_LLAMA(m_probe);
        ASSERT_TRUE(m_dir.isValid());
        m_spec = TinyModelFactory::preset(GetParam());
        m_model = TinyModelFactory::write(m_spec, path("model"));
    }

    std::string path(const std::string& name) const { return m_dir.path().toStdString() + "/" + name; }

    // Runs the real exporter and the strict reader over its file; the caller wraps it in ASSERT_NO_FATAL_FAILURE.
    void exportGguf(const std::string& type, std::string& out) const
    {
        out = path("model-" + type + ".gguf");
        try {
            CliGgufExport::run({}, {QStringLiteral("--model"), QString::fromStdString(m_model)}, out, type);
        } catch (const deepext::Error& error) {
            FAIL() << error.message();
        }
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

    // Every prompt's reference logits against llama.cpp's; the caller asserts what the type promises.
    std::vector<LogitComparison> compareWithTheReference(const std::vector<LlamaEvaluation>& evaluations) const
    {
        const ReferenceForward reference = referenceOfTheModel();
        std::vector<LogitComparison> comparisons;
        for (const auto& evaluation : evaluations) {
            comparisons.push_back(
                LogitComparison::compare(reference.nextTokenLogits(evaluation.tokens), evaluation.logits));
        }
        return comparisons;
    }

    void expectF32MatchesTheReference(const LlamaModelAnswers& answers) const
    {
        ASSERT_TRUE(answers.info.loaded) << answers.info.error;
        EXPECT_EQ(answers.info.architecture, ggufArchitecture().at(GetParam()));
        EXPECT_EQ(answers.info.vocabSize, referenceOfTheModel().config().vocabSize);
        ASSERT_EQ(answers.evaluations.size(), prompts().size());
        const auto comparisons = compareWithTheReference(answers.evaluations);
        for (std::size_t i = 0; i < comparisons.size(); ++i) {
            const LogitComparison& comparison = comparisons[i];
            std::cout << "[ f32 ] prompt " << i << ": " << comparison.describe() << "\n";
            EXPECT_TRUE(comparison.sameTop()) << "prompt " << i << ": " << comparison.describe();
            EXPECT_LE(comparison.maxAbsDiff, F32Bound) << "prompt " << i << ": " << comparison.describe();
        }
    }

    // llama.cpp's tokenizer over the exported vocabulary against the model's own: @huggingface/tokenizers over
    // tokenizer.json for byte-level BPE, libsentencepiece over tokenizer.model for SentencePiece (the path
    // llama.cpp's converter takes whenever tokenizer.model is there).
    void expectTokenizationMatches(const LlamaModelAnswers& answers, const std::vector<std::string>& texts,
                                   const std::vector<std::vector<int>>& hfTokens) const
    {
        ASSERT_TRUE(answers.info.loaded) << answers.info.error;
        EXPECT_EQ(answers.info.vocabularyType, isSentencePiece() ? "spm" : "bpe");
        std::vector<std::vector<int>> reference;
        if (isSentencePiece()) {
            const auto tokenizer = SentencePieceReference::load(m_model);
            for (const auto& text : texts) {
                reference.push_back(tokenizer.encode(text));
            }
        } else {
            reference = hfTokens;
        }
        ASSERT_EQ(answers.tokens.size(), texts.size());
        ASSERT_EQ(reference.size(), texts.size());
        for (std::size_t i = 0; i < texts.size(); ++i) {
            EXPECT_EQ(answers.tokens[i], reference[i]) << "text: " << texts[i];
        }
    }

    // A lossy type's top-1 only means something when the reference's top-1 is not a near tie.
    void expectBf16SameTop(const LlamaModelAnswers& answers) const
    {
        ASSERT_EQ(answers.evaluations.size(), prompts().size());
        const auto comparisons = compareWithTheReference(answers.evaluations);
        for (std::size_t i = 0; i < comparisons.size(); ++i) {
            const LogitComparison& comparison = comparisons[i];
            std::cout << "[ bf16 ] prompt " << i << ": " << comparison.describe() << "\n";
            EXPECT_GE(comparison.topMargin, Bf16MinimumMargin)
                << "prompt " << i << " (\"" << prompts()[i]
                << "\"): the reference's top-1 is too near a tie for a bf16 check to mean anything; choose the "
                   "preset's seed again (TinyModelFactory): "
                << comparison.describe();
            EXPECT_TRUE(comparison.sameTop()) << "prompt " << i << ": " << comparison.describe();
        }
    }

    // q8_0 rounds every matrix to 8 bits per value with one fp16 scale per 32: llama.cpp must load it, the
    // matrices must be Q8_0 in it (not an F16 fallback), and where the reference's margin is above the tiny models'
    // quantization noise it must agree on top-1.
    void expectQ8_0SameTopWhereTheMarginAllows(const LlamaModelAnswers& answers) const
    {
        ASSERT_TRUE(answers.info.loaded) << answers.info.error;
        int quantized = 0;
        for (const auto& tensor : answers.info.tensors) {
            quantized += tensor.at("type").get<int>() == static_cast<int>(deepext::gguf::GgmlType::Q8_0) ? 1 : 0;
        }
        EXPECT_GE(quantized, m_spec.layers * 4) << answers.info.tensors.dump();
        ASSERT_EQ(answers.evaluations.size(), prompts().size());
        const auto comparisons = compareWithTheReference(answers.evaluations);
        std::size_t checked = 0;
        for (std::size_t i = 0; i < comparisons.size(); ++i) {
            const LogitComparison& comparison = comparisons[i];
            std::cout << "[ q8_0 ] prompt " << i << ": " << comparison.describe() << "\n";
            if (comparison.topMargin >= Q8_0MinimumMargin) {
                ++checked;
                EXPECT_TRUE(comparison.sameTop()) << "prompt " << i << ": " << comparison.describe();
            }
        }
        EXPECT_GE(checked, Q8_0MinimumPromptsChecked)
            << "too few prompts have a reference top-1 margin of " << Q8_0MinimumMargin
            << " for the q8_0 check to mean anything; choose the preset's seed again (TinyModelFactory)";
    }

    bool isSentencePiece() const { return std::filesystem::exists(m_model + "/tokenizer.model"); }

    // The tokenizer's EOS as tokenizer_config.json names it (a string, or {"content": ...}).
    std::string eosToken() const
    {
        const auto config = nlohmann::json::parse(deepext::readWholeFile(m_model + "/tokenizer_config.json"));
        const auto& eos = config.at("eos_token");
        return eos.is_string() ? eos.get<std::string>() : eos.at("content").get<std::string>();
    }

    LlamaProbe m_probe;
    QTemporaryDir m_dir;
    TinyModelSpec m_spec;
    std::string m_model;
};

} // namespace

TEST_P(GgufExportJudgedByLlama, F32Bf16AndQ8_0ExportsAreJudgedByLlamaCpp)
{
    std::string f32;
    std::string bf16;
    std::string q8_0;
    ASSERT_NO_FATAL_FAILURE(exportGguf("f32", f32));
    ASSERT_NO_FATAL_FAILURE(exportGguf("bf16", bf16));
    ASSERT_NO_FATAL_FAILURE(exportGguf("q8_0", q8_0));
    const auto texts = tokenizerTexts(eosToken());

    LlamaRequest request;
    request.models = {{f32, true, withSpecialTokens(texts), withSpecialTokens(prompts())},
                      {bf16, false, {}, withSpecialTokens(prompts())},
                      {q8_0, true, {}, withSpecialTokens(prompts())}};
    if (!isSentencePiece()) {
        request.hfTokenizerDirectory = m_model;
        request.hfTokenize = texts;
    }
    const LlamaReply reply = m_probe.ask(request);
    ASSERT_EQ(reply.models.size(), 3u);
    {
        SCOPED_TRACE("f32 logits");
        expectF32MatchesTheReference(reply.models[0]);
    }
    {
        SCOPED_TRACE("tokenization");
        expectTokenizationMatches(reply.models[0], texts, reply.hfTokens);
    }
    {
        SCOPED_TRACE("bf16 logits");
        expectBf16SameTop(reply.models[1]);
    }
    {
        SCOPED_TRACE("q8_0 logits");
        expectQ8_0SameTopWhereTheMarginAllows(reply.models[2]);
    }
}

INSTANTIATE_TEST_SUITE_P(Architectures, GgufExportJudgedByLlama, ::testing::ValuesIn(TinyModelFactory::presetNames()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });
