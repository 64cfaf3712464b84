#pragma once

#include <string>

namespace deepext::test {

// A small byte-level BPE tokenizer folder (tokenizer.json + tokenizer_config.json) in the shape the real families
// write: the 256 GPT-2 byte tokens, a few dozen merges, and the family's special tokens. It stands in until the
// tokenizer fixtures (tests/data/tokenizers/*) are merged; TinyModelFactory takes any tokenizer folder.
class PlaceholderTokenizer
{
public:
    enum class Style
    {
        Llama3, // Llama-3 pre-tokenizer regex, <|begin_of_text|> added by the post-processor, PreTrainedTokenizerFast
        Qwen2,  // Qwen2 regex (single digits), no BOS, <|endoftext|> <|im_start|> <|im_end|>, Qwen2Tokenizer
        Gpt2,   // Llama3's vocabulary and regex with tokenizer_class GPT2Tokenizer (Phi-4-mini's BPE Phi3)
    };

    // Writes the files into `directory` (created if needed); returns the vocabulary size.
    static int write(const std::string& directory, Style style);
    // The style a TinyModelFactory preset's family uses: Qwen2 for qwen2/qwen3, Gpt2 for phi3, else Llama3.
    static Style styleFor(const std::string& preset);
};

} // namespace deepext::test
