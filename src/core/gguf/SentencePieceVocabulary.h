#pragma once

#include "TokenizerFiles.h"
#include "TokenizerVocabulary.h"

#include <cstdint>

namespace deepext::gguf {

// The SentencePiece vocabulary of tokenizer.model as llama.cpp's converter writes it
// (convert_hf_to_gguf.py `_create_vocab_sentencepiece`, and `Phi3MiniModel.set_vocab` for the Phi-3 rules), read
// with libsentencepiece: every piece with its score and type (unknown 2, control 3, unused 5, byte 6, else
// normal 1); ids past the model up to `vocabSize` become "[PAD<id>]" (score -10000, UNUSED); added_tokens.json
// entries become USER_DEFINED (score -1000); tokenizer_config.json `added_tokens_decoder` entries replace the
// text (score -1000) and are CONTROL when special or looking special, else USER_DEFINED with "▁" as a space.
// Phi-3 rules: added_tokens_decoder and tokenizer.json added_tokens are CONTROL only when `special` is true,
// otherwise USER_DEFINED, with the text as written. Added tokens with ids past `vocabSize` are skipped, as convert
// skips them. A missing, empty or unreadable tokenizer.model, or one with more pieces than `vocabSize`, is a
// deepext::Error naming the file.
class SentencePieceVocabulary
{
public:
    enum class AddedTokenRules
    {
        Standard,
        Phi3,
    };

    static TokenizerVocabulary build(const TokenizerFiles& files, std::uint32_t vocabSize, AddedTokenRules rules);
};

} // namespace deepext::gguf
