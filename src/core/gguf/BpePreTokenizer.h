#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace deepext::gguf {

// The value of tokenizer.ggml.pre for a byte-level BPE tokenizer.json. llama.cpp's converter tokenizes a probe
// text and looks up the hash of the ids (convert_hf_to_gguf.py `get_vocab_base_pre`); without transformers we
// recognise the pre-tokenizer itself: the Split regex of Llama 3 ("llama-bpe"), Qwen2 ("qwen2") and Mistral's
// tekken ("tekken") followed by a regex-free ByteLevel, or a plain ByteLevel with its built-in GPT-2 regex
// ("gpt-2"). These are the regexes llama.cpp applies for those names (src/llama-vocab.cpp `llm_tokenizer_bpe`).
// Anything else is refused: a wrong name silently changes how llama.cpp splits the text.
class BpePreTokenizer
{
public:
    // `tokenizerPath` names the file in the error.
    static std::string identify(const nlohmann::json& tokenizerJson, const std::string& tokenizerPath);

    static const char* llama3Pattern();
    static const char* qwen2Pattern();
    static const char* tekkenPattern();
};

} // namespace deepext::gguf
