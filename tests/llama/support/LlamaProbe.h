#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace deepext::test {

// What llama.cpp says about a GGUF file (probe.mjs "load").
struct LlamaModelInfo
{
    bool loaded = false;
    std::string error; // llama.cpp's own error lines, verbatim, when !loaded
    std::string architecture;
    int vocabSize = 0;
    bool addBos = false; // llama_vocab_get_add_bos (and the model has a BOS token)
    bool addEos = false;
    std::optional<int> bos;
    std::optional<int> eos;
    std::string vocabularyType;   // node-llama-cpp's name of llama.cpp's vocab type, e.g. "bpe", "spm"
    nlohmann::json metadata;      // {"general.architecture": ..., ...} as node-llama-cpp's GGUF reader reads them
    nlohmann::json tensors;       // [{"name", "shape": [ne0, ne1, ...], "type": ggml type number}]
    std::vector<std::string> log; // llama.cpp's warnings and errors while loading
};

// One string for llama.cpp's tokenizer. addBos unset: as the model's add_bos says.
struct LlamaTokenizeItem
{
    std::string text;
    bool special = false; // parse special tokens (<|eot_id|>, ...) in the text
    std::optional<bool> addBos;
};

// The questions about one GGUF file.
struct LlamaModelQuestions
{
    std::string gguf;
    bool load = false;                       // -> LlamaModelAnswers::info
    std::vector<LlamaTokenizeItem> tokenize; // -> LlamaModelAnswers::tokens
    // Texts tokenized by llama.cpp as `tokenize` does, then evaluated -> LlamaModelAnswers::evaluations.
    std::vector<LlamaTokenizeItem> evaluate;
};

// One evaluated sequence: the ids llama.cpp saw and its raw next-token logits after the last one.
struct LlamaEvaluation
{
    std::vector<int> tokens;
    std::vector<float> logits;
};

struct LlamaModelAnswers
{
    LlamaModelInfo info; // loaded stays false unless LlamaModelQuestions::load
    std::vector<std::vector<int>> tokens;
    std::vector<LlamaEvaluation> evaluations;
};

// Everything asked in one probe.mjs run: llama.cpp is set up once (most of a run's ~2.5 s) for all the files.
struct LlamaRequest
{
    std::vector<LlamaModelQuestions> models;
    // @huggingface/tokenizers over this folder's tokenizer.json, with its special tokens -> LlamaReply::hfTokens.
    std::string hfTokenizerDirectory;
    std::vector<std::string> hfTokenize;
};

struct LlamaReply
{
    std::vector<LlamaModelAnswers> models; // in the order of LlamaRequest::models
    std::vector<std::vector<int>> hfTokens;
};

// Runs tests/llama/probe.mjs with node: the real llama.cpp (node-llama-cpp 3.22.1's prebuilt CPU build) and the
// reference Hugging Face tokenizer (@huggingface/tokenizers), as installed by scripts/install-llama.sh.
// Every call is one node process (about 2.5 s of start-up): ask several questions per call.
// Failures throw deepext::Error with probe.mjs's stderr in the message.
class LlamaProbe
{
public:
    // node: $DEEPEXT_NODE, else the node found when the build was configured, else `node` on PATH.
    // The harness: tests/llama of this source tree, or `harnessDirectory`.
    LlamaProbe();
    explicit LlamaProbe(std::string harnessDirectory);

    // Empty when node and the harness are installed; else a message saying what is missing and to run
    // scripts/install-llama.sh.
    std::string missingInstallation() const;
    // DEEPEXT_SKIP_LLAMA=1: a developer explicitly skips the llama.cpp tests (CI never sets it).
    static bool skipRequested();

    // The raw protocol: one request object in, one answer object out (see probe.mjs).
    nlohmann::json run(const nlohmann::json& request, int timeoutMs = 600000) const;

    // All the questions in one run. A model llama.cpp cannot load throws, with llama.cpp's reason, unless only
    // `load` is asked about it (then info.loaded is false and info.error says why).
    LlamaReply ask(const LlamaRequest& request) const;

    LlamaModelInfo load(const std::string& ggufPath) const;
    std::vector<std::vector<int>> tokenize(const std::string& ggufPath,
                                           const std::vector<LlamaTokenizeItem>& items) const;
    // llama.cpp's raw next-token logits after the last id of each sequence (each from an empty context, F32 KV
    // cache), one value per vocabulary entry.
    std::vector<std::vector<float>> nextTokenLogits(const std::string& ggufPath,
                                                    const std::vector<std::vector<int>>& sequences) const;
    // @huggingface/tokenizers over a folder's tokenizer.json (+ tokenizer_config.json).
    std::vector<std::vector<int>> hfTokenize(const std::string& tokenizerDirectory,
                                             const std::vector<std::string>& texts, bool addSpecialTokens) const;

    const std::string& harnessDirectory() const { return m_harnessDirectory; }

private:
    std::string m_node;
    std::string m_harnessDirectory;
};

} // namespace deepext::test

// At the top of a test that needs llama.cpp: skips only when DEEPEXT_SKIP_LLAMA=1, fails (never skips) when the
// harness is not installed.
#define DEEPEXT_REQUIRE_LLAMA(probe)                                                                                   \
    do {                                                                                                               \
        if (::deepext::test::LlamaProbe::skipRequested()) {                                                            \
            GTEST_SKIP() << "DEEPEXT_SKIP_LLAMA=1: the llama.cpp tests are skipped on request";                        \
        }                                                                                                              \
        const std::string deepextLlamaMissing = (probe).missingInstallation();                                         \
        if (!deepextLlamaMissing.empty()) {                                                                            \
            FAIL() << deepextLlamaMissing;                                                                             \
        }                                                                                                              \
    } while (false)
