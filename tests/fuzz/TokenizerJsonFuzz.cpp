// libFuzzer target for tokenizer.json (a file that comes with any model folder) on its way to GGUF metadata: the
// JSON reader, the byte-level BPE vocabulary (tokens, added tokens, merges in both forms, merges.txt, the
// pre-tokenizer), and through a real model folder the Llama tokenizer.json path and the special-token rules that
// read the post-processor. Any input either succeeds or throws deepext::Error.
// Input: byte 0 picks the path (modulo 4), bytes 1-2 the embedding rows (little-endian, 0: the tokenizer's own
// size), the rest is tokenizer.json.
#include "ByteLevelBpeVocabulary.h"
#include "FuzzEntry.h"
#include "TokenizerFiles.h"
#include "deepext/base/Error.h"
#include "deepext/gguf/TokenizerMetadata.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <unistd.h>

namespace {
namespace tokenizer_json_fuzz {

// One scratch model folder per process (tmpfs when there is one), reused for every input.
const std::filesystem::path& scratch()
{
    static const std::filesystem::path dir = [] {
        const std::filesystem::path root = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                               : std::filesystem::temp_directory_path();
        auto path = root / ("deepext-fuzz-tokenizer-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
        return path;
    }();
    return dir;
}

// A tokenizer_config.json in Llama 3's shape, so the special-token lookups and the chat template run too.
const char* const tokenizerConfig = R"({"bos_token": "<|begin_of_text|>", "eos_token": {"content": "<|eot_id|>"},
"pad_token": "<|end_of_text|>", "chat_template": [{"name": "default", "template": "{{ x }}"},
{"name": "tool use", "template": "{{ y }}"}]})";

void checkVocabulary(const deepext::gguf::TokenizerVocabulary& vocabulary, std::uint32_t vocabSize)
{
    FUZZ_CHECK(vocabSize == 0 || vocabulary.tokens.size() == vocabSize);
    FUZZ_CHECK(vocabulary.types.size() == vocabulary.tokens.size());
    FUZZ_CHECK(!vocabulary.merges.empty());
    const std::set<std::string> distinct(vocabulary.tokens.begin(), vocabulary.tokens.end());
    FUZZ_CHECK(distinct.size() == vocabulary.tokens.size());
    FUZZ_CHECK(distinct.count("") == 0);
    const std::set<std::string> known = {"llama-bpe", "qwen2", "tekken", "gpt-2"};
    FUZZ_CHECK(known.count(vocabulary.pre) == 1);
}

// Through readTokenizerMetadata, as an export reads a model folder.
void readFolder(const std::string& text, const char* architecture, bool withConfig, std::uint32_t vocabSize)
{
    const auto& dir = scratch();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "tokenizer.json", std::ios::binary) << text;
    if (withConfig) {
        std::ofstream(dir / "tokenizer_config.json", std::ios::binary) << tokenizerConfig;
    }
    const nlohmann::json config = {{"bos_token_id", 1}, {"eos_token_id", nlohmann::json::array({2, 3})}};
    try {
        const auto metadata = deepext::gguf::readTokenizerMetadata(dir.string(), config, architecture, vocabSize);
        const auto* tokens = metadata.find("tokenizer.ggml.tokens");
        FUZZ_CHECK(tokens != nullptr && tokens->arraySize() > 0);
        FUZZ_CHECK(vocabSize == 0 || tokens->arraySize() == vocabSize);
        for (const char* key : {"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
                                "tokenizer.ggml.padding_token_id", "tokenizer.ggml.eot_token_id"}) {
            if (const auto* id = metadata.find(key)) {
                FUZZ_CHECK(id->asUInt32() < tokens->arraySize());
            }
        }
    } catch (const deepext::Error&) {
    }
    std::filesystem::remove_all(dir);
}

} // namespace tokenizer_json_fuzz
} // namespace

DEEPEXT_FUZZ_ENTRY(tokenizerJson)
{
    using namespace tokenizer_json_fuzz;
    if (size < 3) {
        return 0;
    }
    const std::uint32_t vocabSize = data[1] | (std::uint32_t{data[2]} << 8);
    const std::string text(reinterpret_cast<const char*>(data + 3), size - 3);
    switch (data[0] % 4) {
    case 0:
    case 1:
        try {
            const nlohmann::json tokenizer = deepext::gguf::TokenizerFiles::parseJson(text, "tokenizer.json");
            // Path 1 has a merges.txt beside it, used when tokenizer.json has no merges.
            const std::optional<std::string> mergesTxt =
                data[0] % 4 == 1 ? std::optional<std::string>("#version: 0.2\n\xC4\xA0 t\nh e\n\na b c\n")
                                 : std::nullopt;
            checkVocabulary(deepext::gguf::ByteLevelBpeVocabulary::build(tokenizer, "tokenizer.json", vocabSize,
                                                                         mergesTxt, "merges.txt"),
                            vocabSize);
        } catch (const deepext::Error&) {
        }
        break;
    case 2:
        readFolder(text, "llama", data[0] % 8 == 2, vocabSize);
        break;
    default:
        readFolder(text, "qwen2", true, vocabSize);
        break;
    }
    return 0;
}
