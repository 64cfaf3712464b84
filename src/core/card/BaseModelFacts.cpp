#include "deepext/card/BaseModelFacts.h"

#include "CardJson.h"
#include "deepext/base/Error.h"
#include "deepext/card/FrontMatter.h"

#include <filesystem>
#include <map>

namespace deepext {

namespace cj = cardjson;
namespace fs = std::filesystem;

namespace {

// The first of several spellings a config uses for the same number (Llama, GPT-2, T5, ChatGLM, ...).
std::optional<std::int64_t> firstInteger(const nlohmann::json& config, std::initializer_list<const char*> keys)
{
    for (const char* key : keys) {
        if (auto value = cj::optInteger(config, key)) {
            return value;
        }
    }
    return std::nullopt;
}

std::uint64_t elementCount(const TensorInfo& tensor)
{
    std::uint64_t count = 1;
    for (std::int64_t dim : tensor.shape) {
        count *= static_cast<std::uint64_t>(dim < 0 ? 0 : dim);
    }
    return count;
}

bool isInputEmbeddingName(const std::string& name)
{
    static const char* suffixes[] = {"embed_tokens.weight", "wte.weight",    "word_embeddings.weight",
                                     "embed_in.weight",     "shared.weight", "tok_embeddings.weight"};
    for (const char* suffix : suffixes) {
        const std::string s(suffix);
        if (name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
            return true;
        }
    }
    return false;
}

} // namespace

void BaseModelFacts::applyConfig(const nlohmann::json& config)
{
    if (!config.is_object()) {
        notes.push_back("config.json: not a JSON object");
        return;
    }
    architectures = cj::optStringList(config, "architectures");
    modelType = cj::optString(config, "model_type");
    configDtype = cj::optString(config, "torch_dtype");
    if (!configDtype) {
        configDtype = cj::optString(config, "dtype");
    }
    tieWordEmbeddings = cj::optBool(config, "tie_word_embeddings");

    // Multimodal configs keep the language model's numbers in a nested section.
    const nlohmann::json* numbers = &config;
    const bool hasTopLevel = config.contains("hidden_size") || config.contains("n_embd") || config.contains("d_model");
    if (!hasTopLevel) {
        for (const char* section : {"text_config", "language_config", "llm_config"}) {
            auto it = config.find(section);
            if (it != config.end() && it->is_object()) {
                numbers = &*it;
                notes.push_back(std::string("config.json: architecture numbers read from ") + section);
                if (!tieWordEmbeddings) {
                    tieWordEmbeddings = cj::optBool(*it, "tie_word_embeddings");
                }
                if (!configDtype) {
                    configDtype = cj::optString(*it, "torch_dtype");
                    if (!configDtype) {
                        configDtype = cj::optString(*it, "dtype");
                    }
                }
                break;
            }
        }
    }
    hiddenSize = firstInteger(*numbers, {"hidden_size", "n_embd", "d_model"});
    layers = firstInteger(*numbers, {"num_hidden_layers", "n_layer", "num_layers"});
    attentionHeads = firstInteger(*numbers, {"num_attention_heads", "n_head", "num_heads"});
    keyValueHeads = firstInteger(*numbers, {"num_key_value_heads", "num_kv_heads", "multi_query_group_num"});
    intermediateSize = firstInteger(*numbers, {"intermediate_size", "n_inner", "d_ff", "ffn_hidden_size"});
    vocabSize = firstInteger(*numbers, {"vocab_size", "padded_vocab_size"});
    contextLength = firstInteger(
        *numbers, {"max_position_embeddings", "n_positions", "seq_length", "max_sequence_length", "n_ctx"});
}

void BaseModelFacts::applyCheckpoint(const ModelCheckpoint& checkpoint)
{
    std::uint64_t parameters = 0;
    std::uint64_t tensors = 0;
    std::map<Dtype, std::uint64_t> bytesByDtype;
    const TensorInfo* lmHead = nullptr;
    const TensorInfo* embedding = nullptr;
    for (const SafeTensorsHeader& shard : checkpoint.shards) {
        for (const TensorInfo& tensor : shard.tensors) {
            parameters += elementCount(tensor);
            ++tensors;
            bytesByDtype[tensor.dtype] += tensor.byteSize();
            if (tensor.name == "lm_head.weight") {
                lmHead = &tensor;
            } else if (!embedding && isInputEmbeddingName(tensor.name)) {
                embedding = &tensor;
            }
        }
    }
    // transformers ties lm_head to the input embedding unless config.json says otherwise, so a checkpoint that
    // stores both copies of a tied pair holds one set of parameters.
    if (lmHead && embedding && tieWordEmbeddings.value_or(true) && lmHead->shape == embedding->shape) {
        parameters -= elementCount(*lmHead);
        notes.push_back("weights: lm_head.weight is tied to " + embedding->name + " and counted once");
    }
    parameterCount = parameters;
    tensorCount = tensors;
    shardCount = checkpoint.shards.size();
    std::uint64_t most = 0;
    for (const auto& [dtype, bytes] : bytesByDtype) {
        if (bytes > most || !weightsDtype) {
            most = bytes;
            weightsDtype = dtypeName(dtype);
        }
    }
}

void BaseModelFacts::applyReadme(const std::string& markdown)
{
    const FrontMatter front = FrontMatter::parse(markdown);
    if (!front.error.empty()) {
        notes.push_back("README.md: front matter " + front.error);
        return;
    }
    license = front.license;
    languages = front.languages;
}

BaseModelFacts BaseModelFacts::read(const std::string& directory)
{
    BaseModelFacts facts;
    facts.directory = directory;
    const fs::path dir(directory);
    if (auto config = cj::readFile((dir / "config.json").string(), "config.json", facts.notes)) {
        facts.applyConfig(*config);
    } else if (!fs::exists(dir / "config.json")) {
        facts.notes.push_back("config.json: not found in the base directory");
    }
    try {
        facts.applyCheckpoint(ModelCheckpoint::scan(directory));
    } catch (const Error& e) {
        facts.notes.push_back("weights: " + e.message());
    } catch (const std::exception& e) {
        facts.notes.push_back(std::string("weights: ") + e.what());
    }
    if (auto readme = cj::readText((dir / "README.md").string(), "README.md", facts.notes)) {
        facts.applyReadme(*readme);
    }
    std::error_code ec;
    std::uint64_t size = 0;
    bool complete = true;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code fileEc;
        if (it->is_regular_file(fileEc)) {
            const auto fileSize = it->file_size(fileEc);
            if (fileEc) {
                complete = false;
            } else {
                size += fileSize;
            }
        }
    }
    if (ec || !complete) {
        facts.notes.push_back("disk size: the base directory could not be fully listed");
    } else {
        facts.diskSize = size;
    }
    return facts;
}

nlohmann::json BaseModelFacts::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    j["technical_name"] = technicalName;
    j["display_name"] = displayName;
    j["directory"] = directory;
    cj::put(j, "architectures", architectures);
    cj::put(j, "model_type", modelType);
    cj::put(j, "hidden_size", hiddenSize);
    cj::put(j, "num_layers", layers);
    cj::put(j, "num_attention_heads", attentionHeads);
    cj::put(j, "num_key_value_heads", keyValueHeads);
    cj::put(j, "intermediate_size", intermediateSize);
    cj::put(j, "vocab_size", vocabSize);
    cj::put(j, "context_length", contextLength);
    cj::put(j, "config_dtype", configDtype);
    cj::put(j, "tie_word_embeddings", tieWordEmbeddings);
    cj::put(j, "weights_dtype", weightsDtype);
    cj::put(j, "parameter_count", parameterCount);
    cj::put(j, "tensor_count", tensorCount);
    cj::put(j, "shard_count", shardCount);
    cj::put(j, "disk_size", diskSize);
    cj::put(j, "license", license);
    j["language"] = languages;
    j["notes"] = notes;
    return j;
}

BaseModelFacts BaseModelFacts::fromJson(const nlohmann::json& j)
{
    BaseModelFacts facts;
    facts.technicalName = cj::optString(j, "technical_name").value_or("");
    facts.displayName = cj::optString(j, "display_name").value_or("");
    facts.directory = cj::optString(j, "directory").value_or("");
    facts.architectures = cj::optStringList(j, "architectures");
    facts.modelType = cj::optString(j, "model_type");
    facts.hiddenSize = cj::optInteger(j, "hidden_size");
    facts.layers = cj::optInteger(j, "num_layers");
    facts.attentionHeads = cj::optInteger(j, "num_attention_heads");
    facts.keyValueHeads = cj::optInteger(j, "num_key_value_heads");
    facts.intermediateSize = cj::optInteger(j, "intermediate_size");
    facts.vocabSize = cj::optInteger(j, "vocab_size");
    facts.contextLength = cj::optInteger(j, "context_length");
    facts.configDtype = cj::optString(j, "config_dtype");
    facts.tieWordEmbeddings = cj::optBool(j, "tie_word_embeddings");
    facts.weightsDtype = cj::optString(j, "weights_dtype");
    facts.parameterCount = cj::optUnsigned(j, "parameter_count");
    facts.tensorCount = cj::optUnsigned(j, "tensor_count");
    facts.shardCount = cj::optUnsigned(j, "shard_count");
    facts.diskSize = cj::optUnsigned(j, "disk_size");
    facts.license = cj::optString(j, "license");
    facts.languages = cj::stringList(j, "language");
    facts.notes = cj::stringList(j, "notes");
    return facts;
}

} // namespace deepext
