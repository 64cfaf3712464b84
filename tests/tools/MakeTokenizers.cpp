// Makes the tiny real tokenizers of tests/data/tokenizers (see the README there): byte-level BPE tokenizers in the
// exact shapes of Llama 3 and Qwen2, trained here by a small deterministic BPE trainer, and SentencePiece BPE
// models trained by libsentencepiece's own trainer (Llama/Mistral, Gemma and Phi-3 flavours), each with the
// tokenizer.json, tokenizer_config.json and config.json fields the real models have. Deterministic: the same
// build writes the same bytes. Not run by the tests; run it by hand after changing it:
//   deepext_make_tokenizers tests/data/tokenizers
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

const char* corpus()
{
    return
#include "MakeTokenizersCorpus.inc"
        ;
}

std::vector<std::string> corpusLines()
{
    std::vector<std::string> lines;
    std::istringstream in(corpus());
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

void writeFile(const fs::path& path, const std::string& content)
{
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

void writeJson(const fs::path& path, const Json& json)
{
    writeFile(path, json.dump(2) + "\n");
}

std::string utf8(std::uint32_t codepoint)
{
    std::string out;
    if (codepoint < 0x80) {
        out.push_back(static_cast<char>(codepoint));
    } else if (codepoint < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (codepoint >> 6)));
        out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xE0 | (codepoint >> 12)));
        out.push_back(static_cast<char>(0x80 | ((codepoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codepoint & 0x3F)));
    }
    return out;
}

// The UTF-8 characters of a string (SentencePiece pieces are split by character, not by byte).
std::vector<std::string> characters(const std::string& text)
{
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = 1;
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead >= 0xF0) {
            length = 4;
        } else if (lead >= 0xE0) {
            length = 3;
        } else if (lead >= 0xC0) {
            length = 2;
        }
        out.push_back(text.substr(i, length));
        i += length;
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Byte-level BPE

// GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others are shifted past U+0100. The byte
// tokens take ids 0..255 in the order of that table, as GPT-2's vocabulary has them.
struct ByteAlphabet
{
    std::array<std::string, 256> ofByte;
    std::vector<int> order;

    ByteAlphabet()
    {
        std::vector<bool> printable(256, false);
        for (int b = 0; b < 256; ++b) {
            printable[b] = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        }
        int shifted = 0;
        for (int b = 0; b < 256; ++b) {
            if (printable[b]) {
                ofByte[b] = utf8(static_cast<std::uint32_t>(b));
                order.push_back(b);
            }
        }
        for (int b = 0; b < 256; ++b) {
            if (!printable[b]) {
                ofByte[b] = utf8(static_cast<std::uint32_t>(256 + shifted++));
                order.push_back(b);
            }
        }
    }
};

bool isLetter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool isNewline(char c)
{
    return c == '\n' || c == '\r';
}

// The Llama 3 (maxDigits 3) and Qwen2 (maxDigits 1) pre-tokenizer regexes, for ASCII text:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
std::size_t matchLength(const std::string& s, std::size_t i, std::size_t maxDigits)
{
    const std::size_t n = s.size();
    const auto lower = [&](std::size_t k) {
        return k < n ? static_cast<char>(s[k] >= 'A' && s[k] <= 'Z' ? s[k] - 'A' + 'a' : s[k]) : '\0';
    };
    if (s[i] == '\'') {
        for (const char* suffix : {"s", "t", "re", "ve", "m", "ll", "d"}) {
            const std::size_t length = std::char_traits<char>::length(suffix);
            bool match = true;
            for (std::size_t k = 0; k < length; ++k) {
                match = match && lower(i + 1 + k) == suffix[k];
            }
            if (match) {
                return 1 + length;
            }
        }
    }
    const auto letters = [&](std::size_t from) {
        std::size_t end = from;
        while (end < n && isLetter(s[end])) {
            ++end;
        }
        return end - from;
    };
    if (isLetter(s[i])) {
        return letters(i);
    }
    if (!isNewline(s[i]) && !isDigit(s[i]) && i + 1 < n && isLetter(s[i + 1])) {
        return 1 + letters(i + 1);
    }
    if (isDigit(s[i])) {
        std::size_t end = i;
        while (end < n && isDigit(s[end]) && end - i < maxDigits) {
            ++end;
        }
        return end - i;
    }
    {
        std::size_t j = i;
        if (s[j] == ' ') {
            ++j;
        }
        const auto punctuation = [&](char c) { return !isSpace(c) && !isLetter(c) && !isDigit(c); };
        if (j < n && punctuation(s[j])) {
            while (j < n && punctuation(s[j])) {
                ++j;
            }
            while (j < n && isNewline(s[j])) {
                ++j;
            }
            return j - i;
        }
    }
    std::size_t end = i;
    while (end < n && isSpace(s[end])) {
        ++end;
    }
    for (std::size_t k = end; k > i; --k) {
        if (isNewline(s[k - 1])) {
            return k - i; // \s*[\r\n]+
        }
    }
    if (end == n || end - i == 1) {
        return end - i; // \s+(?!\S) at the end, or \s+
    }
    return end - i - 1; // \s+(?!\S): leave the last space to the next word
}

std::vector<std::string> preTokenize(const std::string& text, std::size_t maxDigits)
{
    std::vector<std::string> words;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = matchLength(text, i, maxDigits);
        words.push_back(text.substr(i, length));
        i += length;
    }
    return words;
}

struct BpeModel
{
    std::vector<std::string> vocab; // by id
    std::vector<std::pair<std::string, std::string>> merges;
};

// Classic BPE over the pre-tokenized corpus: repeatedly merge the most frequent adjacent pair (ties broken by the
// smaller pair, so the result never depends on hash order) until `mergeCount` merges or no pair occurs twice.
BpeModel trainByteLevelBpe(std::size_t maxDigits, std::size_t mergeCount)
{
    const ByteAlphabet alphabet;
    std::map<std::vector<std::string>, int> words;
    for (const std::string& word : preTokenize(corpus(), maxDigits)) {
        std::vector<std::string> symbols;
        for (const char c : word) {
            symbols.push_back(alphabet.ofByte[static_cast<unsigned char>(c)]);
        }
        ++words[symbols];
    }
    BpeModel model;
    for (const int b : alphabet.order) {
        model.vocab.push_back(alphabet.ofByte[b]);
    }
    std::set<std::string> known(model.vocab.begin(), model.vocab.end());
    std::vector<std::pair<std::vector<std::string>, int>> list(words.begin(), words.end());
    while (model.merges.size() < mergeCount) {
        std::map<std::pair<std::string, std::string>, int> pairs;
        for (const auto& [symbols, count] : list) {
            for (std::size_t k = 0; k + 1 < symbols.size(); ++k) {
                pairs[{symbols[k], symbols[k + 1]}] += count;
            }
        }
        const std::pair<std::string, std::string>* best = nullptr;
        int bestCount = 1;
        for (const auto& [pair, count] : pairs) {
            if (count > bestCount) {
                best = &pair;
                bestCount = count;
            }
        }
        if (best == nullptr) {
            break;
        }
        const auto [left, right] = *best;
        const std::string merged = left + right;
        model.merges.emplace_back(left, right);
        if (known.insert(merged).second) {
            model.vocab.push_back(merged);
        }
        for (auto& [symbols, count] : list) {
            std::vector<std::string> next;
            for (std::size_t k = 0; k < symbols.size(); ++k) {
                if (k + 1 < symbols.size() && symbols[k] == left && symbols[k + 1] == right) {
                    next.push_back(merged);
                    ++k;
                } else {
                    next.push_back(symbols[k]);
                }
            }
            symbols = std::move(next);
        }
    }
    return model;
}

Json addedToken(int id, const std::string& content, bool special, bool rstrip = false)
{
    return Json{{"id", id},         {"content", content},  {"single_word", false}, {"lstrip", false},
                {"rstrip", rstrip}, {"normalized", false}, {"special", special}};
}

Json addedTokenDecoderEntry(const std::string& content, bool special, bool rstrip = false)
{
    return Json{{"content", content}, {"lstrip", false},      {"normalized", false},
                {"rstrip", rstrip},   {"single_word", false}, {"special", special}};
}

Json splitThenByteLevel(const char* pattern, bool trimOffsets)
{
    return Json{{"type", "Sequence"},
                {"pretokenizers", Json::array({Json{{"type", "Split"},
                                                    {"pattern", Json{{"Regex", pattern}}},
                                                    {"behavior", "Isolated"},
                                                    {"invert", false}},
                                               Json{{"type", "ByteLevel"},
                                                    {"add_prefix_space", false},
                                                    {"trim_offsets", trimOffsets},
                                                    {"use_regex", false}}})}};
}

Json bpeModel(const BpeModel& model, bool pairMerges, bool ignoreMerges)
{
    Json vocab = Json::object();
    for (std::size_t id = 0; id < model.vocab.size(); ++id) {
        vocab[model.vocab[id]] = id;
    }
    Json merges = Json::array();
    for (const auto& [left, right] : model.merges) {
        if (pairMerges) {
            merges.push_back(Json::array({left, right}));
        } else {
            merges.push_back(left + " " + right);
        }
    }
    return Json{{"type", "BPE"},
                {"dropout", nullptr},
                {"unk_token", nullptr},
                {"continuing_subword_prefix", nullptr},
                {"end_of_word_suffix", nullptr},
                {"fuse_unk", false},
                {"byte_fallback", false},
                {"ignore_merges", ignoreMerges},
                {"vocab", vocab},
                {"merges", merges}};
}

const char* llama3Pattern()
{
    return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}

const char* qwen2Pattern()
{
    return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}

// Meta-Llama-3-8B-Instruct's chat template.
const char* llama3ChatTemplate()
{
    return "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
           "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + "
           "'<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}"
           "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
           "{% endif %}";
}

// Qwen2-Instruct's ChatML template.
const char* chatMlTemplate()
{
    return "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
           "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
           "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
           "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
}

void makeLlama3(const fs::path& out)
{
    const BpeModel model = trainByteLevelBpe(3, 600);
    const int first = static_cast<int>(model.vocab.size());
    const std::vector<std::string> specials = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                               "<|end_header_id|>", "<|eot_id|>"};
    Json added = Json::array();
    Json decoder = Json::object();
    for (std::size_t k = 0; k < specials.size(); ++k) {
        added.push_back(addedToken(first + static_cast<int>(k), specials[k], true));
        decoder[std::to_string(first + static_cast<int>(k))] = addedTokenDecoderEntry(specials[k], true);
    }
    const int bos = first;
    const Json bosPiece = Json{{"SpecialToken", Json{{"id", specials[0]}, {"type_id", 0}}}};
    const Json templateProcessing = {
        {"type", "TemplateProcessing"},
        {"single", Json::array({bosPiece, Json{{"Sequence", Json{{"id", "A"}, {"type_id", 0}}}}})},
        {"pair", Json::array({bosPiece, Json{{"Sequence", Json{{"id", "A"}, {"type_id", 0}}}},
                              Json{{"SpecialToken", Json{{"id", specials[0]}, {"type_id", 1}}}},
                              Json{{"Sequence", Json{{"id", "B"}, {"type_id", 1}}}}})},
        {"special_tokens",
         Json{{specials[0],
               Json{{"id", specials[0]}, {"ids", Json::array({bos})}, {"tokens", Json::array({specials[0]})}}}}}};
    const Json tokenizer = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer", splitThenByteLevel(llama3Pattern(), false)},
        {"post_processor", Json{{"type", "Sequence"},
                                {"processors", Json::array({Json{{"type", "ByteLevel"},
                                                                 {"add_prefix_space", true},
                                                                 {"trim_offsets", false},
                                                                 {"use_regex", true}},
                                                            templateProcessing})}}},
        {"decoder",
         Json{{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
        {"model", bpeModel(model, true, true)}};
    writeJson(out / "tokenizer.json", tokenizer);
    writeJson(out / "tokenizer_config.json", Json{{"added_tokens_decoder", decoder},
                                                  {"bos_token", "<|begin_of_text|>"},
                                                  {"chat_template", llama3ChatTemplate()},
                                                  {"clean_up_tokenization_spaces", true},
                                                  {"eos_token", "<|eot_id|>"},
                                                  {"model_input_names", Json::array({"input_ids", "attention_mask"})},
                                                  {"model_max_length", 8192},
                                                  {"tokenizer_class", "PreTrainedTokenizerFast"}});
    // Llama 3.1's eos list: convert skips lists, the id comes from tokenizer_config.json's eos_token.
    writeJson(out / "config.json", Json{{"architectures", Json::array({"LlamaForCausalLM"})},
                                        {"model_type", "llama"},
                                        {"bos_token_id", bos},
                                        {"eos_token_id", Json::array({first + 1, first + 4})},
                                        {"vocab_size", first + static_cast<int>(specials.size())}});
}

void makeQwen2(const fs::path& out)
{
    const BpeModel model = trainByteLevelBpe(1, 500);
    const int first = static_cast<int>(model.vocab.size());
    struct Added
    {
        const char* text;
        bool special;
    };
    // Qwen2.5's layout: its special tokens, then <tool_call> and </tool_call>, which are not special.
    const std::vector<Added> tokens = {{"<|endoftext|>", true},
                                       {"<|im_start|>", true},
                                       {"<|im_end|>", true},
                                       {"<tool_call>", false},
                                       {"</tool_call>", false}};
    Json added = Json::array();
    Json decoder = Json::object();
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        added.push_back(addedToken(first + static_cast<int>(k), tokens[k].text, tokens[k].special));
        decoder[std::to_string(first + static_cast<int>(k))] =
            addedTokenDecoderEntry(tokens[k].text, tokens[k].special);
    }
    const Json byteLevel = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", false}, {"use_regex", false}};
    const Json tokenizer = {{"version", "1.0"},
                            {"truncation", nullptr},
                            {"padding", nullptr},
                            {"added_tokens", added},
                            {"normalizer", Json{{"type", "NFC"}}},
                            {"pre_tokenizer", splitThenByteLevel(qwen2Pattern(), false)},
                            {"post_processor", byteLevel},
                            {"decoder", byteLevel},
                            {"model", bpeModel(model, false, false)}};
    writeJson(out / "tokenizer.json", tokenizer);
    writeJson(out / "tokenizer_config.json",
              Json{{"add_prefix_space", false},
                   {"added_tokens_decoder", decoder},
                   {"additional_special_tokens", Json::array({"<|im_start|>", "<|im_end|>"})},
                   {"bos_token", nullptr},
                   {"chat_template", chatMlTemplate()},
                   {"clean_up_tokenization_spaces", false},
                   {"eos_token", "<|im_end|>"},
                   {"errors", "replace"},
                   {"model_max_length", 32768},
                   {"pad_token", "<|endoftext|>"},
                   {"split_special_tokens", false},
                   {"tokenizer_class", "Qwen2Tokenizer"},
                   {"unk_token", nullptr}});
    // Like Qwen's checkpoints, the embedding table is padded past the tokenizer (to a multiple of 128, with at
    // least 16 unused rows), and bos comes from config.json (tokenizer_config.json has bos_token null).
    const int used = first + static_cast<int>(tokens.size());
    const int padded = (used + 16 + 127) / 128 * 128;
    writeJson(out / "config.json", Json{{"architectures", Json::array({"Qwen2ForCausalLM"})},
                                        {"model_type", "qwen2"},
                                        {"bos_token_id", first},
                                        {"eos_token_id", first + 2},
                                        {"vocab_size", padded}});
}

// ---------------------------------------------------------------------------------------------------------------
// SentencePiece

class LineIterator : public sentencepiece::SentenceIterator
{
public:
    explicit LineIterator(std::vector<std::string> lines)
        : m_lines(std::move(lines))
    {
    }
    bool done() const override { return m_index >= m_lines.size(); }
    void Next() override { ++m_index; }
    const std::string& value() const override { return m_lines[m_index]; }
    sentencepiece::util::Status status() const override { return {}; }

private:
    std::vector<std::string> m_lines;
    std::size_t m_index = 0;
};

// A SentencePiece BPE model trained on the corpus with Llama 2's trainer settings plus `extra` arguments.
std::string trainSentencePiece(const std::string& extra)
{
    LineIterator lines(corpusLines());
    std::string serialized;
    const std::string args = "--model_type=bpe --vocab_size=1000 --character_coverage=1.0 --byte_fallback=true "
                             "--split_digits=true --allow_whitespace_only_pieces=true --remove_extra_whitespaces=false "
                             "--normalization_rule_name=identity --max_sentencepiece_length=16 --num_threads=1 "
                             "--hard_vocab_limit=false --input_sentence_size=0 --shuffle_input_sentence=false " +
                             extra;
    const auto status = sentencepiece::SentencePieceTrainer::Train(args, &lines, &serialized);
    if (!status.ok()) {
        throw std::runtime_error("sentencepiece training failed: " + status.ToString());
    }
    return serialized;
}

struct SentencePieceModel
{
    std::string serialized;
    std::vector<std::string> pieces;
};

SentencePieceModel loadSentencePiece(std::string serialized)
{
    sentencepiece::SentencePieceProcessor processor;
    const auto status = processor.LoadFromSerializedProto(serialized);
    if (!status.ok()) {
        throw std::runtime_error("cannot load the trained model: " + status.ToString());
    }
    SentencePieceModel model{std::move(serialized), {}};
    for (int id = 0; id < processor.GetPieceSize(); ++id) {
        model.pieces.push_back(processor.IdToPiece(id));
    }
    return model;
}

// transformers' SentencePieceExtractor for a BPE model: every split of a piece into two pieces of the vocabulary
// is a merge, ordered by the id of the merged piece, then of the left and right parts.
Json extractMerges(const std::vector<std::string>& pieces)
{
    std::map<std::string, std::size_t> idOf;
    for (std::size_t id = 0; id < pieces.size(); ++id) {
        idOf.emplace(pieces[id], id);
    }
    Json merges = Json::array();
    for (std::size_t id = 0; id < pieces.size(); ++id) {
        const std::vector<std::string> chars = characters(pieces[id]);
        std::vector<std::pair<std::size_t, std::size_t>> local;
        for (std::size_t cut = 1; cut < chars.size(); ++cut) {
            std::string left;
            std::string right;
            for (std::size_t k = 0; k < chars.size(); ++k) {
                (k < cut ? left : right) += chars[k];
            }
            const auto l = idOf.find(left);
            const auto r = idOf.find(right);
            if (l != idOf.end() && r != idOf.end()) {
                local.emplace_back(l->second, r->second);
            }
        }
        std::sort(local.begin(), local.end());
        for (const auto& [l, r] : local) {
            merges.push_back(pieces[l] + " " + pieces[r]);
        }
    }
    return merges;
}

// The tokenizer.json transformers writes for a SentencePiece BPE model (LlamaConverter / GemmaConverter shape).
Json sentencePieceTokenizerJson(const SentencePieceModel& model, const Json& addedTokens, const std::string& bos,
                                int bosId, bool dummyPrefix)
{
    static const std::string lowerBlock = "\xE2\x96\x81"; // "▁"
    Json vocab = Json::object();
    for (std::size_t id = 0; id < model.pieces.size(); ++id) {
        vocab[model.pieces[id]] = id;
    }
    Json normalizers = Json::array();
    if (dummyPrefix) {
        normalizers.push_back(Json{{"type", "Prepend"}, {"prepend", lowerBlock}});
    }
    normalizers.push_back(Json{{"type", "Replace"}, {"pattern", Json{{"String", " "}}}, {"content", lowerBlock}});
    Json decoders = Json::array({Json{{"type", "Replace"}, {"pattern", Json{{"String", lowerBlock}}}, {"content", " "}},
                                 Json{{"type", "ByteFallback"}}, Json{{"type", "Fuse"}}});
    if (dummyPrefix) {
        decoders.push_back(Json{{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}});
    }
    const Json bosPiece = Json{{"SpecialToken", Json{{"id", bos}, {"type_id", 0}}}};
    return Json{{"version", "1.0"},
                {"truncation", nullptr},
                {"padding", nullptr},
                {"added_tokens", addedTokens},
                {"normalizer", Json{{"type", "Sequence"}, {"normalizers", normalizers}}},
                {"pre_tokenizer", nullptr},
                {"post_processor",
                 Json{{"type", "TemplateProcessing"},
                      {"single", Json::array({bosPiece, Json{{"Sequence", Json{{"id", "A"}, {"type_id", 0}}}}})},
                      {"pair", Json::array({bosPiece, Json{{"Sequence", Json{{"id", "A"}, {"type_id", 0}}}},
                                            Json{{"SpecialToken", Json{{"id", bos}, {"type_id", 1}}}},
                                            Json{{"Sequence", Json{{"id", "B"}, {"type_id", 1}}}}})},
                      {"special_tokens",
                       Json{{bos, Json{{"id", bos}, {"ids", Json::array({bosId})}, {"tokens", Json::array({bos})}}}}}}},
                {"decoder", Json{{"type", "Sequence"}, {"decoders", decoders}}},
                {"model", Json{{"type", "BPE"},
                               {"dropout", nullptr},
                               {"unk_token", "<unk>"},
                               {"continuing_subword_prefix", nullptr},
                               {"end_of_word_suffix", nullptr},
                               {"fuse_unk", true},
                               {"byte_fallback", true},
                               {"ignore_merges", false},
                               {"vocab", vocab},
                               {"merges", extractMerges(model.pieces)}}}};
}

// Mistral-7B-Instruct-v0.2's chat template.
const char* mistralChatTemplate()
{
    return "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) "
           "%}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif "
           "%}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif "
           "message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only "
           "user and assistant roles are supported!') }}{% endif %}{% endfor %}";
}

const SentencePieceModel& llamaSentencePiece()
{
    static const SentencePieceModel model =
        loadSentencePiece(trainSentencePiece("--add_dummy_prefix=true --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1"));
    return model;
}

void makeLlamaSpm(const fs::path& out)
{
    const SentencePieceModel& model = llamaSentencePiece();
    writeFile(out / "tokenizer.model", model.serialized);
    const Json added =
        Json::array({addedToken(0, "<unk>", true), addedToken(1, "<s>", true), addedToken(2, "</s>", true)});
    writeJson(out / "tokenizer.json", sentencePieceTokenizerJson(model, added, "<s>", 1, true));
    writeJson(out / "tokenizer_config.json",
              Json{{"add_bos_token", true},
                   {"add_eos_token", false},
                   {"added_tokens_decoder", Json{{"0", addedTokenDecoderEntry("<unk>", true)},
                                                 {"1", addedTokenDecoderEntry("<s>", true)},
                                                 {"2", addedTokenDecoderEntry("</s>", true)}}},
                   {"additional_special_tokens", Json::array()},
                   {"bos_token", "<s>"},
                   {"chat_template", mistralChatTemplate()},
                   {"clean_up_tokenization_spaces", false},
                   {"eos_token", "</s>"},
                   {"legacy", true},
                   {"model_max_length", 32768},
                   {"pad_token", nullptr},
                   {"sp_model_kwargs", Json::object()},
                   {"spaces_between_special_tokens", false},
                   {"tokenizer_class", "LlamaTokenizer"},
                   {"unk_token", "<unk>"},
                   {"use_default_system_prompt", false}});
    writeJson(out / "config.json", Json{{"architectures", Json::array({"LlamaForCausalLM"})},
                                        {"model_type", "llama"},
                                        {"bos_token_id", 1},
                                        {"eos_token_id", 2},
                                        {"vocab_size", model.pieces.size()}});
}

// Gemma's chat template.
const char* gemmaChatTemplate()
{
    return "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') "
           "}}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
           "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
           "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] "
           "%}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}"
           "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}";
}

void makeGemmaSpm(const fs::path& out)
{
    // Gemma's layout: <pad> <eos> <bos> <unk> first, user-defined <mask> and turn markers, no dummy prefix.
    const SentencePieceModel model = loadSentencePiece(trainSentencePiece(
        "--add_dummy_prefix=false --pad_id=0 --eos_id=1 --bos_id=2 --unk_id=3 --pad_piece=<pad> --eos_piece=<eos> "
        "--bos_piece=<bos> --unk_piece=<unk> --user_defined_symbols=<mask>,<start_of_turn>,<end_of_turn>"));
    writeFile(out / "tokenizer.model", model.serialized);
    struct Added
    {
        const char* text;
        bool special;
    };
    // Gemma 2 marks <mask> as not special (convert still makes it CONTROL: it looks special).
    const std::vector<Added> tokens = {{"<pad>", true},        {"<eos>", true},   {"<bos>", true},
                                       {"<unk>", true},        {"<mask>", false}, {"<start_of_turn>", true},
                                       {"<end_of_turn>", true}};
    Json added = Json::array();
    Json decoder = Json::object();
    for (std::size_t id = 0; id < tokens.size(); ++id) {
        if (model.pieces.at(id) != tokens[id].text) {
            throw std::runtime_error(std::string("unexpected Gemma piece layout at ") + tokens[id].text);
        }
        added.push_back(addedToken(static_cast<int>(id), tokens[id].text, tokens[id].special));
        decoder[std::to_string(id)] = addedTokenDecoderEntry(tokens[id].text, tokens[id].special);
    }
    writeJson(out / "tokenizer.json", sentencePieceTokenizerJson(model, added, "<bos>", 2, false));
    writeJson(out / "tokenizer_config.json",
              Json{{"add_bos_token", true},
                   {"add_eos_token", false},
                   {"added_tokens_decoder", decoder},
                   {"additional_special_tokens", Json::array({"<start_of_turn>", "<end_of_turn>"})},
                   {"bos_token", "<bos>"},
                   {"chat_template", gemmaChatTemplate()},
                   {"clean_up_tokenization_spaces", false},
                   {"eos_token", "<eos>"},
                   {"model_max_length", 8192},
                   {"pad_token", "<pad>"},
                   {"sp_model_kwargs", Json::object()},
                   {"spaces_between_special_tokens", false},
                   {"tokenizer_class", "GemmaTokenizer"},
                   {"unk_token", "<unk>"},
                   {"use_default_system_prompt", false}});
    writeJson(out / "config.json", Json{{"architectures", Json::array({"Gemma2ForCausalLM"})},
                                        {"model_type", "gemma2"},
                                        {"pad_token_id", 0},
                                        {"eos_token_id", 1},
                                        {"bos_token_id", 2},
                                        {"vocab_size", model.pieces.size()}});
}

// Phi-3-mini-4k-instruct's chat template.
const char* phi3ChatTemplate()
{
    return "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\n' + message['content'] "
           "+ '<|end|>\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\n' + message['content'] + '<|end|>\n'}}"
           "{% elif message['role'] == 'assistant' %}{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}"
           "{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}"
           "{% endif %}";
}

void makePhi3Spm(const fs::path& out)
{
    // Phi-3: Llama 2's SentencePiece model, eleven added tokens right after it (their real order), </s> not
    // special, and an embedding table padded by 64 rows (32000 + 64 in the real model).
    const SentencePieceModel& model = llamaSentencePiece();
    writeFile(out / "tokenizer.model", model.serialized);
    const int first = static_cast<int>(model.pieces.size());
    const std::vector<std::string> phi = {"<|endoftext|>",    "<|assistant|>",    "<|placeholder1|>",
                                          "<|placeholder2|>", "<|placeholder3|>", "<|placeholder4|>",
                                          "<|system|>",       "<|end|>",          "<|placeholder5|>",
                                          "<|placeholder6|>", "<|user|>"};
    Json added =
        Json::array({addedToken(0, "<unk>", true), addedToken(1, "<s>", true), addedToken(2, "</s>", false, true)});
    Json decoder = Json{{"0", addedTokenDecoderEntry("<unk>", true)},
                        {"1", addedTokenDecoderEntry("<s>", true)},
                        {"2", addedTokenDecoderEntry("</s>", false, true)}};
    for (std::size_t k = 0; k < phi.size(); ++k) {
        const int id = first + static_cast<int>(k);
        const bool rstrip = k != 0;
        added.push_back(addedToken(id, phi[k], true, rstrip));
        decoder[std::to_string(id)] = addedTokenDecoderEntry(phi[k], true, rstrip);
    }
    writeJson(out / "tokenizer.json", sentencePieceTokenizerJson(model, added, "<s>", 1, true));
    writeJson(out / "tokenizer_config.json", Json{{"add_bos_token", false},
                                                  {"add_eos_token", false},
                                                  {"added_tokens_decoder", decoder},
                                                  {"bos_token", "<s>"},
                                                  {"chat_template", phi3ChatTemplate()},
                                                  {"clean_up_tokenization_spaces", false},
                                                  {"eos_token", "<|endoftext|>"},
                                                  {"legacy", false},
                                                  {"model_max_length", 4096},
                                                  {"pad_token", "<|endoftext|>"},
                                                  {"padding_side", "left"},
                                                  {"sp_model_kwargs", Json::object()},
                                                  {"tokenizer_class", "LlamaTokenizer"},
                                                  {"unk_token", "<unk>"},
                                                  {"use_default_system_prompt", false}});
    writeJson(out / "config.json", Json{{"architectures", Json::array({"Phi3ForCausalLM"})},
                                        {"model_type", "phi3"},
                                        {"bos_token_id", 1},
                                        {"eos_token_id", first},
                                        {"pad_token_id", first},
                                        {"vocab_size", first + 64}});
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT_DIR   (the repository's tests/data/tokenizers)\n", argv[0]);
        return 2;
    }
    try {
        const fs::path out = argv[1];
        makeLlama3(out / "llama3-bpe");
        makeQwen2(out / "qwen2-bpe");
        makeLlamaSpm(out / "llama-spm");
        makeGemmaSpm(out / "gemma-spm");
        makePhi3Spm(out / "phi3-spm");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
