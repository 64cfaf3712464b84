#include "PlaceholderTokenizer.h"

#include "deepext/base/AtomicFile.h"

#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>
#include <utility>
#include <vector>

namespace deepext::test {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// The two pre-tokenizer patterns llama.cpp recognises as "llama-bpe" and "qwen2" (llama.cpp convert_hf_to_gguf.py
// get_vocab_base_pre; src/llama-vocab.cpp).
const char* const kLlama3Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kQwen2Pattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// GPT-2's byte-to-unicode table: printable bytes stand for themselves, the rest map to U+0100 onwards.
std::array<std::string, 256> byteTokens()
{
    std::array<std::string, 256> tokens;
    int extra = 0;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        const int codepoint = printable ? b : 256 + extra++;
        std::string utf8;
        if (codepoint < 0x80) {
            utf8.push_back(static_cast<char>(codepoint));
        } else {
            utf8.push_back(static_cast<char>(0xC0 | (codepoint >> 6)));
            utf8.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
        }
        tokens[static_cast<std::size_t>(b)] = utf8;
    }
    return tokens;
}

Json addedToken(int id, const std::string& content)
{
    return {{"id", id},        {"content", content},  {"single_word", false}, {"lstrip", false},
            {"rstrip", false}, {"normalized", false}, {"special", true}};
}

} // namespace

PlaceholderTokenizer::Style PlaceholderTokenizer::styleFor(const std::string& preset)
{
    if (preset.starts_with("qwen")) {
        return Style::Qwen2;
    }
    return preset == "phi3" ? Style::Gpt2 : Style::Llama3;
}

int PlaceholderTokenizer::write(const std::string& directory, Style style)
{
    const bool qwen = style == Style::Qwen2;
    const auto bytes = byteTokens();
    Json vocab = Json::object();
    for (int b = 0; b < 256; ++b) {
        vocab[bytes[static_cast<std::size_t>(b)]] = b;
    }
    const std::string space = bytes[' '];
    std::vector<std::pair<std::string, std::string>> merges;
    for (char c = 'a'; c <= 'z'; ++c) {
        merges.emplace_back(space, std::string(1, c));
    }
    for (const char* bigram : {"th", "he", "in", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te",
                               "of", "ed", "is", "it", "al", "ar", "st", "to", "nt", "ng", "se", "ha", "as", "ou"}) {
        merges.emplace_back(std::string(1, bigram[0]), std::string(1, bigram[1]));
    }
    merges.emplace_back(space + "t", "he"); // "Ġthe": a merge of merged parts
    merges.emplace_back(space + "a", "nd");
    Json mergeList = Json::array();
    int next = 256;
    for (const auto& [left, right] : merges) {
        mergeList.push_back(left + " " + right);
        vocab[left + right] = next++;
    }
    const std::vector<std::string> specials =
        qwen ? std::vector<std::string>{"<|endoftext|>", "<|im_start|>", "<|im_end|>"}
             : std::vector<std::string>{"<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"};
    Json added = Json::array();
    Json addedDecoder = Json::object();
    const int firstSpecial = next;
    for (const auto& special : specials) {
        added.push_back(addedToken(next, special));
        Json decoded = addedToken(next, special);
        decoded.erase("id");
        addedDecoder[std::to_string(next)] = decoded;
        ++next;
    }

    const Json split = {{"type", "Split"},
                        {"pattern", {{"Regex", qwen ? kQwen2Pattern : kLlama3Pattern}}},
                        {"behavior", "Isolated"},
                        {"invert", false}};
    const Json byteLevel = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", !qwen}, {"use_regex", false}};
    Json postProcessor = byteLevel;
    if (!qwen) {
        // Llama 3: the BOS comes from the post-processor, not from add_bos_token.
        const std::string bos = specials[0];
        const auto special = [&](int typeId) { return Json{{"SpecialToken", {{"id", bos}, {"type_id", typeId}}}}; };
        const auto sequence = [](const char* id, int typeId) {
            return Json{{"Sequence", {{"id", id}, {"type_id", typeId}}}};
        };
        Json templateProcessing = {{"type", "TemplateProcessing"}};
        templateProcessing["single"] = Json::array({special(0), sequence("A", 0)});
        templateProcessing["pair"] = Json::array({special(0), sequence("A", 0), special(1), sequence("B", 1)});
        templateProcessing["special_tokens"][bos] = {{"id", bos}, {"ids", {firstSpecial}}, {"tokens", {bos}}};
        const Json byteLevelProcessor = {
            {"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", false}, {"use_regex", true}};
        postProcessor = {{"type", "Sequence"}, {"processors", Json::array({byteLevelProcessor, templateProcessing})}};
    }
    const Json tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", qwen ? Json{{"type", "NFC"}} : Json(nullptr)},
        {"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", {split, byteLevel}}}},
        {"post_processor", postProcessor},
        {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", qwen ? Json("") : Json(nullptr)},
          {"end_of_word_suffix", qwen ? Json("") : Json(nullptr)},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", !qwen},
          {"vocab", vocab},
          {"merges", mergeList}}}};

    Json config = {{"added_tokens_decoder", addedDecoder}};
    if (qwen) {
        config["additional_special_tokens"] = {"<|im_start|>", "<|im_end|>"};
        config["bos_token"] = nullptr;
        config["chat_template"] = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + "
                                  "message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt "
                                  "%}{{ '<|im_start|>assistant\n' }}{% endif %}";
        config["clean_up_tokenization_spaces"] = false;
        config["eos_token"] = "<|im_end|>";
        config["errors"] = "replace";
        config["model_max_length"] = 32768;
        config["pad_token"] = "<|endoftext|>";
        config["split_special_tokens"] = false;
        config["tokenizer_class"] = "Qwen2Tokenizer";
        config["unk_token"] = nullptr;
    } else {
        config["bos_token"] = specials[0];
        config["chat_template"] = "{{ bos_token }}{% for message in messages %}{{ message['role'] + ': ' + "
                                  "message['content'] + '<|eot_id|>' }}{% endfor %}";
        config["clean_up_tokenization_spaces"] = true;
        config["eos_token"] = specials[1];
        config["model_input_names"] = {"input_ids", "attention_mask"};
        config["model_max_length"] = 131072;
        config["tokenizer_class"] = style == Style::Gpt2 ? "GPT2Tokenizer" : "PreTrainedTokenizerFast";
    }
    fs::create_directories(directory);
    writeFileAtomically((fs::path(directory) / "tokenizer.json").string(), tokenizer.dump(2) + "\n");
    writeFileAtomically((fs::path(directory) / "tokenizer_config.json").string(), config.dump(2) + "\n");
    return next;
}

} // namespace deepext::test
