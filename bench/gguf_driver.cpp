// deepext-gguf-driver --model DIR --out FILE [--type auto|f32|f16|bf16|q8_0] [--threads N] [--synthetic-tokenizer]
// The GGUF exporter alone, for bench/gguf (which also runs `deepext-cli export-gguf --model`).
// --synthetic-tokenizer supplies tokenizer keys of the model's vocabulary size (tokens and merges of about the real
// size) instead of reading the tokenizer files, so the tensor stream can be measured while the tokenizer export is
// not built.
#include "deepext/base/Error.h"
#include "deepext/gguf/GgufExporter.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

deepext::gguf::GgufMetadata syntheticTokenizer(const std::string& modelDirectory)
{
    std::ifstream in(modelDirectory + "/config.json");
    const nlohmann::json config = nlohmann::json::parse(in);
    const auto vocab = config.at("vocab_size").get<std::uint32_t>();
    std::vector<std::string> tokens;
    std::vector<std::string> merges;
    std::vector<std::int32_t> types;
    for (std::uint32_t i = 0; i < vocab; ++i) {
        tokens.push_back("tok" + std::to_string(i));
        types.push_back(1);
        if (i >= 256) {
            merges.push_back("tok" + std::to_string(i % 256) + " " + std::to_string(i));
        }
    }
    deepext::gguf::GgufMetadata metadata;
    metadata.set("tokenizer.ggml.model", deepext::gguf::GgufValue::string("gpt2"));
    metadata.set("tokenizer.ggml.pre", deepext::gguf::GgufValue::string("llama-bpe"));
    metadata.set("tokenizer.ggml.tokens", deepext::gguf::GgufValue::stringArray(std::move(tokens)));
    metadata.set("tokenizer.ggml.token_type", deepext::gguf::GgufValue::int32Array(std::move(types)));
    metadata.set("tokenizer.ggml.merges", deepext::gguf::GgufValue::stringArray(std::move(merges)));
    return metadata;
}

} // namespace

int main(int argc, char** argv)
{
    deepext::gguf::GgufExportRequest request;
    bool synthetic = false;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string flag = argv[i];
            if (flag == "--synthetic-tokenizer") {
                synthetic = true;
                continue;
            }
            if (i + 1 >= argc) {
                std::fprintf(stderr, "error: %s needs a value\n", flag.c_str());
                return 2;
            }
            const std::string value = argv[++i];
            if (flag == "--model") {
                request.modelDirectory = value;
            } else if (flag == "--out") {
                request.outputPath = value;
            } else if (flag == "--type") {
                request.type = deepext::gguf::ggufExportTypeFromName(value);
            } else if (flag == "--threads") {
                request.threads = std::stoi(value);
            } else {
                std::fprintf(stderr, "error: unknown option %s\n", flag.c_str());
                return 2;
            }
        }
        if (request.modelDirectory.empty() || request.outputPath.empty()) {
            std::fprintf(stderr, "usage: %s --model DIR --out FILE [--type T] [--threads N] [--synthetic-tokenizer]\n",
                         argv[0]);
            return 2;
        }
        if (synthetic) {
            request.tokenizerMetadata = syntheticTokenizer(request.modelDirectory);
        }
        std::atomic_bool cancel{false};
        const deepext::gguf::GgufExportResult result = deepext::gguf::GgufExporter::exportModel(request, {}, cancel);
        std::printf("%s: %s, %llu tensors, %llu bytes, %.2f s\n", result.path.c_str(), result.type.c_str(),
                    static_cast<unsigned long long>(result.tensorCount), static_cast<unsigned long long>(result.size),
                    result.durationSeconds);
    } catch (const deepext::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.message().c_str());
        return e.kind() == deepext::Error::Kind::Usage ? 2 : 1;
    }
    return 0;
}
