#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace deepext::gguf {

// llama.cpp's token types, as written in `tokenizer.ggml.token_type` (gguf-py `TokenType`,
// src/llama-vocab.cpp `llama_token_type`).
enum class TokenType : std::int32_t
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
};

// convert_hf_to_gguf.py `does_token_look_special`: added tokens some models forget to mark special
// (`<|...|>`, `<｜...｜>`, `<pad>`, `<mask>`, `<2mass>`, `[@BOS@]`, `<unused...>`) still become CONTROL.
bool doesTokenLookSpecial(std::string_view text);

// llama.cpp expects user-defined tokens pre-normalised: SentencePiece's "▁" (U+2581) becomes a space.
std::string replaceSentencePieceSpaces(std::string text);

// The text of an id that has no token: "[PAD<id>]" (convert's filler for embedding rows past the tokenizer).
std::string paddingTokenText(std::uint32_t id);

} // namespace deepext::gguf
