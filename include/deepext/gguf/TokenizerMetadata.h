#pragma once
#include "deepext/gguf/GgufValue.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
namespace deepext::gguf {
// Every tokenizer.* key llama.cpp's converter writes for the Hugging Face model folder `modelDirectory`, whose
// parsed config.json is `config`, exported as GGUF architecture `ggufArchitecture` ("llama", "qwen2", "qwen3",
// "gemma2", "phi3") with an embedding table of `vocabSize` rows. Throws deepext::Error naming the file.
GgufMetadata readTokenizerMetadata(const std::string& modelDirectory, const nlohmann::json& config,
                                   const std::string& ggufArchitecture, std::uint32_t vocabSize);
} // namespace deepext::gguf
