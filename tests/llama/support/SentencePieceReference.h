#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace deepext::test {

// How a SentencePiece model folder's own tokenizer encodes a text with its special tokens, for comparing
// llama.cpp's tokenization with: the tokenizer's added tokens (tokenizer_config.json `added_tokens_decoder`) are
// matched first, longest at the earliest position, with their `lstrip`/`rstrip` taking the whitespace beside them,
// as transformers' tokenizer splits a text; each fragment between them is encoded by libsentencepiece from
// tokenizer.model on its own (its normalizer, dummy prefix and byte fallback); the BOS and EOS are added as
// tokenizer_config.json's `add_bos_token` and `add_eos_token` say (LlamaTokenizer's defaults: true and false).
// That is the fast tokenizer's (tokenizer.json) behaviour and the slow one's with `legacy: true`.
class SentencePieceReference
{
public:
    // Throws deepext::Error naming the file when tokenizer.model or tokenizer_config.json cannot be read.
    static SentencePieceReference load(const std::string& tokenizerDirectory);

    SentencePieceReference(SentencePieceReference&&) noexcept;
    SentencePieceReference& operator=(SentencePieceReference&&) noexcept;
    ~SentencePieceReference();

    std::vector<int> encode(const std::string& text) const;

private:
    struct AddedToken
    {
        std::string content;
        int id = 0;
        bool lstrip = false;
        bool rstrip = false;
    };

    SentencePieceReference();
    void encodeFragment(const std::string& fragment, std::vector<int>& ids) const;

    std::unique_ptr<sentencepiece::SentencePieceProcessor> m_processor;
    std::vector<AddedToken> m_addedTokens;
    int m_bos = -1; // -1: none is added
    int m_eos = -1;
};

} // namespace deepext::test
