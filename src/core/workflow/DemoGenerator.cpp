#include "deepext/workflow/DemoGenerator.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/merge/Dtype.h"
#include "deepext/merge/SafeTensorsWriter.h"
#include "deepext/workflow/ModelRegistration.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace deepext {
namespace {

constexpr int Hidden = 64;
constexpr int Intermediate = 172;
constexpr int Layers = 2;
constexpr int Heads = 4;
constexpr int KvHeads = 2;
constexpr int HeadDim = Hidden / Heads;
constexpr int Rank = 8;
constexpr double Alpha = 16;

// Deterministic pseudo-random numbers (splitmix64): the same bytes on every machine, unlike std distributions.
class SplitMix
{
public:
    explicit SplitMix(std::uint64_t seed)
        : m_state(seed)
    {
    }
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [-1, 1), on a 2^-24 grid so the value is exact in float.
    float uniform() { return static_cast<float>(static_cast<double>(next() >> 40) / 8388608.0 - 1.0); }

private:
    std::uint64_t m_state;
};

std::uint64_t seedOf(const std::string& name)
{
    std::uint64_t hash = 1469598103934665603ULL; // FNV-1a: a stable per-tensor seed
    for (const unsigned char c : name) {
        hash = (hash ^ c) * 1099511628211ULL;
    }
    return hash;
}

TensorBlob randomTensor(const std::string& name, Dtype dtype, std::vector<std::int64_t> shape, float scale,
                        float constant = 0.0F, bool useConstant = false)
{
    std::size_t count = 1;
    for (const auto d : shape) {
        count *= static_cast<std::size_t>(d);
    }
    TensorBlob blob{{name, dtype, std::move(shape)}, {}};
    SplitMix random(seedOf(name));
    if (dtype == Dtype::BF16) {
        blob.bytes.resize(count * 2);
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint16_t bits = floatToBf16(useConstant ? constant : random.uniform() * scale);
            std::memcpy(blob.bytes.data() + i * 2, &bits, 2);
        }
    } else {
        blob.bytes.resize(count * 4);
        for (std::size_t i = 0; i < count; ++i) {
            const float value = useConstant ? constant : random.uniform() * scale;
            std::memcpy(blob.bytes.data() + i * 4, &value, 4);
        }
    }
    return blob;
}

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

const std::vector<std::string>& specialTokens()
{
    static const std::vector<std::string> tokens{"<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"};
    return tokens;
}

nlohmann::ordered_json tokenizerJson(int& vocabSize)
{
    const auto bytes = byteTokens();
    nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
    for (int b = 0; b < 256; ++b) {
        vocab[bytes[static_cast<std::size_t>(b)]] = b;
    }
    const std::string space = bytes[' '];
    std::vector<std::pair<std::string, std::string>> merges;
    for (char c = 'a'; c <= 'z'; ++c) {
        merges.emplace_back(space, std::string(1, c));
    }
    for (const char* bigram :
         {"th", "he", "in", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te", "of", "ed", "is", "it",
          "al", "ar", "st", "to", "nt", "ng", "se", "ha", "as", "ou", "io", "le", "ve", "co", "me", "de", "hi"}) {
        merges.emplace_back(std::string(1, bigram[0]), std::string(1, bigram[1]));
    }
    nlohmann::ordered_json mergeList = nlohmann::ordered_json::array();
    int next = 256;
    for (const auto& [left, right] : merges) {
        mergeList.push_back(left + " " + right);
        vocab[left + right] = next++;
    }
    nlohmann::ordered_json added = nlohmann::ordered_json::array();
    for (const auto& special : specialTokens()) {
        added.push_back({{"id", next++},
                         {"content", special},
                         {"single_word", false},
                         {"lstrip", false},
                         {"rstrip", false},
                         {"normalized", false},
                         {"special", true}});
    }
    vocabSize = next;
    const nlohmann::ordered_json byteLevel = {
        {"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    return {{"version", "1.0"},
            {"truncation", nullptr},
            {"padding", nullptr},
            {"added_tokens", added},
            {"normalizer", nullptr},
            {"pre_tokenizer", byteLevel},
            {"post_processor", byteLevel},
            {"decoder", byteLevel},
            {"model",
             {{"type", "BPE"},
              {"dropout", nullptr},
              {"unk_token", nullptr},
              {"continuing_subword_prefix", nullptr},
              {"end_of_word_suffix", nullptr},
              {"fuse_unk", false},
              {"byte_fallback", false},
              {"ignore_merges", false},
              {"vocab", vocab},
              {"merges", mergeList}}}};
}

// Writes only when the content differs, so a second run leaves every file (and its mtime) as it was.
void writeIfChanged(const std::string& path, const std::string& content)
{
    std::error_code ec;
    if (fs::exists(path, ec) && fs::file_size(path, ec) == content.size() && readWholeFile(path) == content) {
        return;
    }
    fs::create_directories(fs::path(path).parent_path(), ec);
    writeFileAtomically(path, content);
}

void writeSafeTensorsIfChanged(const std::string& path, const std::vector<TensorBlob>& tensors)
{
    const std::string temp = path + ".demo-tmp";
    writeSafeTensorsFile(temp, tensors);
    std::error_code ec;
    if (fs::exists(path, ec) && readWholeFile(path) == readWholeFile(temp)) {
        fs::remove(temp, ec);
        return;
    }
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
        throw Error("cannot write " + path + ": " + ec.message());
    }
}

std::vector<TensorBlob> baseTensors(int vocabSize)
{
    std::vector<TensorBlob> tensors;
    const std::int64_t v = vocabSize;
    tensors.push_back(randomTensor("model.embed_tokens.weight", Dtype::BF16, {v, Hidden}, 0.02F));
    for (int layer = 0; layer < Layers; ++layer) {
        const std::string p = "model.layers." + std::to_string(layer) + ".";
        tensors.push_back(randomTensor(p + "self_attn.q_proj.weight", Dtype::BF16, {Heads * HeadDim, Hidden}, 0.05F));
        tensors.push_back(randomTensor(p + "self_attn.k_proj.weight", Dtype::BF16, {KvHeads * HeadDim, Hidden}, 0.05F));
        tensors.push_back(randomTensor(p + "self_attn.v_proj.weight", Dtype::BF16, {KvHeads * HeadDim, Hidden}, 0.05F));
        tensors.push_back(randomTensor(p + "self_attn.o_proj.weight", Dtype::BF16, {Hidden, Heads * HeadDim}, 0.05F));
        tensors.push_back(randomTensor(p + "mlp.gate_proj.weight", Dtype::BF16, {Intermediate, Hidden}, 0.05F));
        tensors.push_back(randomTensor(p + "mlp.up_proj.weight", Dtype::BF16, {Intermediate, Hidden}, 0.05F));
        tensors.push_back(randomTensor(p + "mlp.down_proj.weight", Dtype::BF16, {Hidden, Intermediate}, 0.05F));
        tensors.push_back(randomTensor(p + "input_layernorm.weight", Dtype::BF16, {Hidden}, 0, 1.0F, true));
        tensors.push_back(randomTensor(p + "post_attention_layernorm.weight", Dtype::BF16, {Hidden}, 0, 1.0F, true));
    }
    tensors.push_back(randomTensor("model.norm.weight", Dtype::BF16, {Hidden}, 0, 1.0F, true));
    tensors.push_back(randomTensor("lm_head.weight", Dtype::BF16, {v, Hidden}, 0.02F));
    return tensors;
}

std::vector<TensorBlob> adapterTensors()
{
    std::vector<TensorBlob> tensors;
    for (int layer = 0; layer < Layers; ++layer) {
        for (const auto& [module, out] : std::vector<std::pair<std::string, int>>{{"q_proj", Heads * HeadDim},
                                                                                  {"k_proj", KvHeads * HeadDim},
                                                                                  {"v_proj", KvHeads * HeadDim},
                                                                                  {"o_proj", Hidden}}) {
            const std::string p = "base_model.model.model.layers." + std::to_string(layer) + ".self_attn." + module;
            tensors.push_back(randomTensor(p + ".lora_A.weight", Dtype::F32, {Rank, Hidden}, 0.1F));
            tensors.push_back(randomTensor(p + ".lora_B.weight", Dtype::F32, {out, Rank}, 0.01F));
        }
    }
    return tensors;
}

nlohmann::json trainerState()
{
    nlohmann::json history = nlohmann::json::array();
    constexpr int Steps = 30;
    for (int step = 3; step <= Steps; step += 3) {
        const double epoch = step / 10.0;
        // A plausible, deterministic decaying loss with a little wobble.
        const double loss = std::round((0.9 + 1.6 * std::exp(-step / 9.0) + 0.03 * ((step / 3) % 2)) * 10000) / 10000;
        const double lr = 2e-4 * (1.0 - static_cast<double>(step) / Steps);
        history.push_back({{"epoch", epoch},
                           {"grad_norm", 0.5 + 0.01 * step},
                           {"learning_rate", lr},
                           {"loss", loss},
                           {"step", step}});
        if (step % 15 == 0) {
            history.push_back({{"epoch", epoch}, {"eval_loss", loss + 0.12}, {"eval_runtime", 1.25}, {"step", step}});
        }
    }
    history.push_back({{"epoch", 3.0},
                       {"step", Steps},
                       {"total_flos", 1234567.0},
                       {"train_loss", 1.4321},
                       {"train_runtime", 42.5},
                       {"train_samples_per_second", 2.82},
                       {"train_steps_per_second", 0.706}});
    return {{"best_metric", nullptr},
            {"best_model_checkpoint", nullptr},
            {"epoch", 3.0},
            {"eval_steps", 15},
            {"global_step", Steps},
            {"is_hyper_param_search", false},
            {"is_local_process_zero", true},
            {"is_world_process_zero", true},
            {"log_history", history},
            {"logging_steps", 3},
            {"max_steps", Steps},
            {"num_train_epochs", 3},
            {"save_steps", 30},
            {"train_batch_size", 4}};
}

const char* TemplateText = R"(# Deployment Template File of the DeepExtension demo base model (a Modelfile fragment).
TEMPLATE """{{- if .System }}system: {{ .System }}<|eot_id|>{{ end }}
{{- range .Messages }}{{ .Role }}: {{ .Content }}<|eot_id|>{{ end }}assistant: """
SYSTEM """You are a helpful assistant."""
PARAMETER stop "<|eot_id|>"
PARAMETER stop "<|end_of_text|>"
PARAMETER temperature 0.7
PARAMETER num_ctx 2048
)";

} // namespace

void DemoGenerator::writeFiles(const std::string& directory)
{
    const std::string base = directory + "/base";
    const std::string adapter = directory + "/adapter";
    std::error_code ec;
    fs::create_directories(base, ec);
    fs::create_directories(adapter, ec);
    if (ec) {
        throw Error("cannot create the demo folder " + directory + ": " + ec.message());
    }

    int vocabSize = 0;
    const nlohmann::ordered_json tokenizer = tokenizerJson(vocabSize);
    writeIfChanged(base + "/tokenizer.json", tokenizer.dump(2) + "\n");
    const nlohmann::ordered_json config = {{"_name_or_path", "deepext/demo-llama"},
                                           {"architectures", {"LlamaForCausalLM"}},
                                           {"attention_bias", false},
                                           {"attention_dropout", 0.0},
                                           {"bos_token_id", 317},
                                           {"eos_token_id", 318},
                                           {"head_dim", HeadDim},
                                           {"hidden_act", "silu"},
                                           {"hidden_size", Hidden},
                                           {"initializer_range", 0.02},
                                           {"intermediate_size", Intermediate},
                                           {"max_position_embeddings", 2048},
                                           {"mlp_bias", false},
                                           {"model_type", "llama"},
                                           {"num_attention_heads", Heads},
                                           {"num_hidden_layers", Layers},
                                           {"num_key_value_heads", KvHeads},
                                           {"rms_norm_eps", 1e-05},
                                           {"rope_scaling", nullptr},
                                           {"rope_theta", 10000.0},
                                           {"tie_word_embeddings", false},
                                           {"torch_dtype", "bfloat16"},
                                           {"transformers_version", "4.46.0"},
                                           {"use_cache", true},
                                           {"vocab_size", vocabSize}};
    writeIfChanged(base + "/config.json", config.dump(2) + "\n");
    writeIfChanged(base + "/generation_config.json", nlohmann::ordered_json{{"bos_token_id", 317},
                                                                            {"do_sample", true},
                                                                            {"eos_token_id", {318, 319}},
                                                                            {"temperature", 0.7},
                                                                            {"transformers_version", "4.46.0"}}
                                                             .dump(2) +
                                                         "\n");
    nlohmann::ordered_json addedDecoder = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < specialTokens().size(); ++i) {
        addedDecoder[std::to_string(317 + i)] = {{"content", specialTokens()[i]}, {"lstrip", false},
                                                 {"normalized", false},           {"rstrip", false},
                                                 {"single_word", false},          {"special", true}};
    }
    writeIfChanged(base + "/tokenizer_config.json",
                   nlohmann::ordered_json{
                       {"added_tokens_decoder", addedDecoder},
                       {"bos_token", "<|begin_of_text|>"},
                       {"chat_template", "{{ bos_token }}{% for message in messages %}{{ message['role'] }}: "
                                         "{{ message['content'] }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}"
                                         "assistant: {% endif %}"},
                       {"clean_up_tokenization_spaces", true},
                       {"eos_token", "<|eot_id|>"},
                       {"model_max_length", 2048},
                       {"tokenizer_class", "PreTrainedTokenizerFast"}}
                           .dump(2) +
                       "\n");
    writeIfChanged(base + "/README.md", "---\nlicense: apache-2.0\nlanguage:\n- en\nlibrary_name: transformers\n"
                                        "pipeline_tag: text-generation\n---\n\n# Demo Llama (tiny)\n\n"
                                        "A tiny, randomly initialised Llama checkpoint generated by DeepExtension "
                                        "Desktop for trying the save and deploy workflow.\n");
    writeSafeTensorsIfChanged(base + "/model.safetensors", baseTensors(vocabSize));

    const nlohmann::json adapterConfig = {{"alpha_pattern", nlohmann::json::object()},
                                          {"base_model_name_or_path", "deepext/demo-llama"},
                                          {"bias", "none"},
                                          {"fan_in_fan_out", false},
                                          {"inference_mode", true},
                                          {"init_lora_weights", true},
                                          {"layers_pattern", nullptr},
                                          {"layers_to_transform", nullptr},
                                          {"lora_alpha", Alpha},
                                          {"lora_dropout", 0.05},
                                          {"modules_to_save", nullptr},
                                          {"peft_type", "LORA"},
                                          {"r", Rank},
                                          {"rank_pattern", nlohmann::json::object()},
                                          {"revision", nullptr},
                                          {"target_modules", {"k_proj", "o_proj", "q_proj", "v_proj"}},
                                          {"task_type", "CAUSAL_LM"},
                                          {"use_dora", false},
                                          {"use_rslora", false}};
    writeIfChanged(adapter + "/adapter_config.json", adapterConfig.dump(2) + "\n");
    writeSafeTensorsIfChanged(adapter + "/adapter_model.safetensors", adapterTensors());
    writeIfChanged(adapter + "/trainer_state.json", trainerState().dump(2) + "\n");
    writeIfChanged(adapter + "/README.md", "---\nbase_model: deepext/demo-llama\nlibrary_name: peft\ndatasets:\n"
                                           "- deepext/demo-chat\ntags:\n- lora\n- demo\n---\n\n"
                                           "# Demo LoRA adapter\n\nA rank-8 LoRA on q/k/v/o of the demo Llama.\n");
    writeIfChanged(directory + "/Modelfile.template", TemplateText);
}

std::string DemoGenerator::seed(const Workspace& workspace)
{
    const std::string directory = workspace.root() + "/demo";
    writeFiles(directory);
    ModelRegistration registration(workspace);
    if (!workspace.findBaseModel(BaseTechnicalName)) {
        registration.addBaseModel(directory + "/base", BaseTechnicalName, "Demo Llama (tiny)",
                                  directory + "/Modelfile.template");
    }
    for (const auto& trained : workspace.trainedModels()) {
        if (trained.baseTechnicalName == BaseTechnicalName && trained.trainName == TrainName) {
            return trained.name;
        }
    }
    return registration.addTrainedModel(directory + "/adapter", BaseTechnicalName, TrainName).name;
}

} // namespace deepext
