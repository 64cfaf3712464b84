#include "ExportPlanner.h"

#include "ExportKeys.h"
#include "ModelConfig.h"
#include "RopeFactors.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/gguf/TokenizerMetadata.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>

namespace deepext::gguf {
namespace fs = std::filesystem;
namespace {

using Dim = GgufArchitecture::Dim;
using Permute = GgufArchitecture::Permute;

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

std::string listed(const std::vector<std::string>& names)
{
    std::string text;
    const std::size_t shown = std::min<std::size_t>(names.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) {
        text += (i ? ", " : "") + names[i];
    }
    if (names.size() > shown) {
        text += " and " + std::to_string(names.size() - shown) + " more";
    }
    return text;
}

GgmlType storageOf(GgufExportType type)
{
    switch (type) {
    case GgufExportType::F32:
        return GgmlType::F32;
    case GgufExportType::BF16:
        return GgmlType::BF16;
    case GgufExportType::Q8_0:
        return GgmlType::Q8_0;
    default:
        return GgmlType::F16;
    }
}

// llama.cpp's LLAMA_FTYPE numbers (general.file_type).
std::uint32_t fileTypeOf(GgufExportType type)
{
    switch (type) {
    case GgufExportType::F32:
        return 0;
    case GgufExportType::BF16:
        return 32;
    case GgufExportType::Q8_0:
        return 7;
    default:
        return 1;
    }
}

struct Mapped
{
    const TensorInfo* info = nullptr;
    std::size_t shard = 0;
    const GgufArchitecture::Tensor* rule = nullptr;
    std::string ggufName;
};

class Planner
{
public:
    Planner(const GgufExportRequest& request, const ModelCheckpoint& checkpoint)
        : m_request(request)
        , m_checkpoint(checkpoint)
        , m_config(ModelConfig::read(request.modelDirectory))
    {
    }

    ExportPlan run();

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw Error("cannot export " + m_request.modelDirectory + " as GGUF: " + what);
    }
    std::string key(const std::string& suffix) const { return m_plan.architecture->ggufName + "." + suffix; }

    void readDimensions();
    void refuseReranker() const;
    void mapTensors();
    void checkShapes();
    void resolveType();
    void buildTensors();
    std::uint64_t dimension(Dim dim) const;
    const nlohmann::json& ropeParameters() const;
    void addGenerated(const std::string& name, std::vector<float> values);
    void refuseNameThatBreaksTheVocabulary() const;

    const GgufExportRequest& m_request;
    const ModelCheckpoint& m_checkpoint;
    ModelConfig m_config;
    ExportPlan m_plan;
    ModelDimensions m_dimensions;
    std::vector<Mapped> m_mapped;
    std::map<std::string, const Mapped*> m_byHfName;
    std::vector<ExportTensor> m_generated;
    nlohmann::json m_ropeParameters = nlohmann::json::object();
};

void Planner::readDimensions()
{
    const std::string needed = "llama.cpp needs it";
    m_dimensions.embedding = m_config.requireUnsigned({"hidden_size", "n_embd", "dim"}, needed);
    m_dimensions.layers = m_config.requireUnsigned({"num_hidden_layers", "n_layers", "n_layer", "num_layers"}, needed);
    m_dimensions.heads = m_config.requireUnsigned({"num_attention_heads", "n_head", "n_heads"}, needed);
    m_dimensions.kvHeads =
        m_config.unsignedValue({"num_key_value_heads", "n_kv_heads", "n_head_kv"}).value_or(m_dimensions.heads);
    m_dimensions.feedForward = m_config.requireUnsigned({"intermediate_size", "n_inner", "hidden_dim"}, needed);
    if (m_dimensions.embedding == 0 || m_dimensions.layers == 0 || m_dimensions.heads == 0 ||
        m_dimensions.kvHeads == 0 || m_dimensions.feedForward == 0) {
        m_config.fail("has a hidden size, layer, head or intermediate count of 0");
    }
    if (const std::optional<std::uint64_t> headDim = m_config.unsignedValue({"head_dim"})) {
        m_dimensions.headDim = *headDim;
    } else {
        if (m_dimensions.embedding % m_dimensions.heads != 0) {
            m_config.fail("has hidden_size " + std::to_string(m_dimensions.embedding) + " not divisible by " +
                          "num_attention_heads " + std::to_string(m_dimensions.heads) + " and no head_dim");
        }
        m_dimensions.headDim = m_dimensions.embedding / m_dimensions.heads;
    }
    if (m_dimensions.headDim == 0 || m_dimensions.heads % m_dimensions.kvHeads != 0) {
        m_config.fail("has head_dim 0 or num_attention_heads " + std::to_string(m_dimensions.heads) +
                      " not a multiple of num_key_value_heads " + std::to_string(m_dimensions.kvHeads));
    }
    if (m_plan.architecture->writesVocabSize && m_dimensions.headDim % 2 != 0) {
        m_config.fail("has an odd head size " + std::to_string(m_dimensions.headDim) +
                      ": llama.cpp's rotary embedding needs pairs of values");
    }
}

void Planner::refuseReranker() const
{
    if (m_plan.architecture->ggufName != "qwen3") {
        return;
    }
    // convert_hf_to_gguf.py `Qwen3Model._is_qwen3_reranker` exports these as rerankers, which this tool does not.
    std::vector<std::string> hints = {fs::path(m_request.modelDirectory).filename().string()};
    for (const char* key : {"_name_or_path", "model_type"}) {
        if (const nlohmann::json* value = m_config.find({key}); value && value->is_string()) {
            hints.push_back(value->get<std::string>());
        }
    }
    std::string readme;
    try {
        readme = lower(readWholeFile((fs::path(m_request.modelDirectory) / "README.md").string()));
    } catch (const Error&) {
        // no README: no hint from it
    }
    bool reranker = readme.find("# qwen3-reranker") != std::string::npos;
    for (const std::string& hint : hints) {
        reranker = reranker || lower(hint).find("qwen3-reranker") != std::string::npos;
    }
    if (reranker) {
        fail("it is a Qwen3 reranker (named so in its folder, config.json or README); only Qwen3 language models "
             "can be exported, rerankers cannot");
    }
}

void Planner::mapTensors()
{
    const GgufArchitecture& arch = *m_plan.architecture;
    std::vector<std::string> unknown;
    std::vector<std::string> wrongDtype;
    for (std::size_t shard = 0; shard < m_checkpoint.shards.size(); ++shard) {
        for (const TensorInfo& info : m_checkpoint.shards[shard].tensors) {
            const std::string& name = info.name;
            // Dropped by the converter (`prepare_tensors`), and by Gemma2Model (the runtime ties the output).
            if (endsWith(name, ".rotary_emb.inv_freq") || endsWith(name, ".attention.masked_bias") ||
                endsWith(name, ".attention.bias") || (arch.dropsLmHead && name == "lm_head.weight")) {
                continue;
            }
            Mapped mapped;
            mapped.info = &info;
            mapped.shard = shard;
            for (const GgufArchitecture::Tensor& rule : arch.globalTensors) {
                if (rule.hfName == name) {
                    mapped.rule = &rule;
                    mapped.ggufName = rule.ggufName;
                }
            }
            const std::string prefix = "model.layers.";
            if (!mapped.rule && name.compare(0, prefix.size(), prefix) == 0) {
                std::size_t end = prefix.size();
                while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) {
                    ++end;
                }
                if (end > prefix.size() && end - prefix.size() < 10 && end < name.size() && name[end] == '.') {
                    const std::uint64_t layer = std::stoull(name.substr(prefix.size(), end - prefix.size()));
                    const std::string suffix = name.substr(end + 1);
                    for (const GgufArchitecture::Tensor& rule : arch.layerTensors) {
                        if (rule.hfName == suffix && layer < m_dimensions.layers) {
                            mapped.rule = &rule;
                            mapped.ggufName = "blk." + std::to_string(layer) + "." + rule.ggufName;
                        }
                    }
                }
            }
            if (!mapped.rule) {
                unknown.push_back(name);
                continue;
            }
            if (info.dtype != Dtype::F32 && info.dtype != Dtype::F16 && info.dtype != Dtype::BF16) {
                wrongDtype.push_back(name + " (" + dtypeName(info.dtype) + ")");
            }
            m_mapped.push_back(mapped);
        }
    }
    if (!unknown.empty()) {
        fail("its weights have tensors that llama.cpp's " + arch.ggufName + " architecture does not use: " +
             listed(unknown) + " (llama.cpp refuses a file with unused tensors; a model of " + arch.hfName + " with " +
             std::to_string(m_dimensions.layers) + " layers has no such tensors)");
    }
    if (!wrongDtype.empty()) {
        fail("only F32, F16 and BF16 weights can be exported, but " + listed(wrongDtype) +
             " are stored otherwise (a quantized checkpoint cannot be exported)");
    }
    for (const Mapped& mapped : m_mapped) {
        m_byHfName[mapped.info->name] = &mapped;
    }
    std::vector<std::string> missing;
    for (const GgufArchitecture::Tensor& rule : arch.globalTensors) {
        if (rule.required && !m_byHfName.count(rule.hfName)) {
            missing.push_back(rule.hfName);
        }
    }
    for (std::uint64_t layer = 0; layer < m_dimensions.layers; ++layer) {
        for (const GgufArchitecture::Tensor& rule : arch.layerTensors) {
            const std::string name = "model.layers." + std::to_string(layer) + "." + rule.hfName;
            if (rule.required && !m_byHfName.count(name)) {
                missing.push_back(name);
            }
        }
    }
    if (!missing.empty()) {
        fail("its weights lack " + listed(missing) + ", which llama.cpp's " + arch.ggufName + " architecture needs (" +
             "config.json says " + std::to_string(m_dimensions.layers) + " layers)");
    }
    const bool hasOutput = m_byHfName.count("lm_head.weight") > 0;
    if (!arch.dropsLmHead && !hasOutput && m_config.isExplicitlyFalse("tie_word_embeddings")) {
        fail("config.json says tie_word_embeddings is false but the weights have no lm_head.weight");
    }
}

std::uint64_t Planner::dimension(Dim dim) const
{
    switch (dim) {
    case Dim::Embedding:
        return m_dimensions.embedding;
    case Dim::QueryRows:
        return m_dimensions.heads * m_dimensions.headDim;
    case Dim::KeyValueRows:
        return m_dimensions.kvHeads * m_dimensions.headDim;
    case Dim::FusedQkvRows:
        return (m_dimensions.heads + 2 * m_dimensions.kvHeads) * m_dimensions.headDim;
    case Dim::HeadDim:
        return m_dimensions.headDim;
    case Dim::FeedForward:
        return m_dimensions.feedForward;
    case Dim::FusedGateUp:
        return 2 * m_dimensions.feedForward;
    case Dim::Vocabulary:
        return m_dimensions.vocabulary;
    }
    return 0;
}

void Planner::checkShapes()
{
    const Mapped& embedding = *m_byHfName.at("model.embed_tokens.weight");
    if (embedding.info->shape.size() != 2 || embedding.info->shape[0] <= 0) {
        fail("model.embed_tokens.weight has shape " + shapeText(embedding.info->shape) + ", not [vocab, hidden]");
    }
    m_dimensions.vocabulary = static_cast<std::uint64_t>(embedding.info->shape[0]);
    if (m_dimensions.vocabulary > UINT32_MAX) {
        fail("its vocabulary of " + std::to_string(m_dimensions.vocabulary) + " tokens is too large for GGUF");
    }
    if (const std::optional<std::uint64_t> vocab = m_config.unsignedValue({"vocab_size"});
        vocab && *vocab != m_dimensions.vocabulary) {
        m_config.fail("has vocab_size " + std::to_string(*vocab) + " but model.embed_tokens.weight has " +
                      std::to_string(m_dimensions.vocabulary) + " rows");
    }
    for (const Mapped& mapped : m_mapped) {
        std::vector<std::int64_t> expected;
        for (const Dim dim : mapped.rule->shape) {
            expected.push_back(static_cast<std::int64_t>(dimension(dim)));
        }
        if (mapped.info->shape != expected) {
            fail("tensor " + mapped.info->name + " has shape " + shapeText(mapped.info->shape) + " but config.json (" +
                 "hidden_size " + std::to_string(m_dimensions.embedding) + ", " + std::to_string(m_dimensions.heads) +
                 " heads, " + std::to_string(m_dimensions.kvHeads) + " key/value heads of " +
                 std::to_string(m_dimensions.headDim) + ", intermediate_size " +
                 std::to_string(m_dimensions.feedForward) + ") implies " + shapeText(expected));
        }
    }
}

void Planner::resolveType()
{
    m_plan.type = m_request.type;
    if (m_plan.type == GgufExportType::Auto) {
        // --outtype auto: the dtype of the first tensor with two or more dimensions, in checkpoint order.
        m_plan.type = GgufExportType::F16;
        for (const Mapped& mapped : m_mapped) {
            if (mapped.info->shape.size() >= 2) {
                m_plan.type = mapped.info->dtype == Dtype::BF16 ? GgufExportType::BF16 : GgufExportType::F16;
                break;
            }
        }
    }
    m_plan.fileType = fileTypeOf(m_plan.type);
}

void Planner::buildTensors()
{
    m_plan.tensors = std::move(m_generated);
    const GgmlType requested = storageOf(m_plan.type);
    std::vector<std::string> fallbacks;
    for (const Mapped& mapped : m_mapped) {
        const TensorInfo& info = *mapped.info;
        ExportTensor tensor;
        tensor.name = mapped.ggufName;
        tensor.sourceName = info.name;
        tensor.sourceDtype = info.dtype;
        tensor.shard = mapped.shard;
        tensor.sourceBegin = info.begin;
        for (auto it = info.shape.rbegin(); it != info.shape.rend(); ++it) {
            tensor.ne.push_back(static_cast<std::uint64_t>(*it));
        }
        if (info.shape.size() >= 2) {
            tensor.cols = static_cast<std::uint64_t>(info.shape.back());
            tensor.rows = info.elementCount() / std::max<std::uint64_t>(tensor.cols, 1);
        } else {
            tensor.rows = info.elementCount();
            tensor.cols = 1;
        }
        if (mapped.rule->permute == Permute::QueryHeads) {
            tensor.permuteHeads = m_dimensions.heads;
        } else if (mapped.rule->permute == Permute::KeyValueHeads) {
            tensor.permuteHeads = m_dimensions.kvHeads;
        }
        tensor.addOne = m_plan.architecture->normsPlusOne && endsWith(info.name, "norm.weight");
        // ModelBase.prepare_tensors: 1-D tensors, norms and everything not ending in .weight stay F32.
        if (info.shape.size() <= 1 || endsWith(tensor.name, "_norm.weight") || !endsWith(tensor.name, ".weight")) {
            tensor.type = GgmlType::F32;
        } else {
            tensor.type = requested;
            if (requested == GgmlType::Q8_0 && tensor.ne[0] % 32 != 0) {
                tensor.type = GgmlType::F16; // quants.py refuses the row; the converter falls back to F16
                fallbacks.push_back(tensor.name);
            }
        }
        m_plan.tensors.push_back(std::move(tensor));
    }
    if (!fallbacks.empty()) {
        m_plan.warnings.push_back("rows not a multiple of 32 values cannot be Q8_0; written as F16: " +
                                  listed(fallbacks));
    }
}

void Planner::addGenerated(const std::string& name, std::vector<float> values)
{
    ExportTensor tensor;
    tensor.name = name;
    tensor.type = GgmlType::F32;
    tensor.ne = {values.size()};
    tensor.rows = values.size();
    tensor.cols = 1;
    tensor.generated = std::make_shared<const std::vector<float>>(std::move(values));
    m_generated.push_back(std::move(tensor));
}

const nlohmann::json& Planner::ropeParameters() const
{
    // TextModel.__init__: rope_parameters (transformers >= 5), else rope_scaling; a "full_attention" entry wins.
    const auto it = m_ropeParameters.find("full_attention");
    return it != m_ropeParameters.end() && it->is_object() ? *it : m_ropeParameters;
}

ExportPlan Planner::run()
{
    const std::string architecture = m_config.architecture();
    m_plan.architecture = GgufArchitecture::find(architecture);
    if (!m_plan.architecture) {
        fail("its architecture " + architecture + " (config.json architectures[0]) cannot be written as GGUF; " +
             "supported: " + GgufArchitecture::supportedNames());
    }
    refuseReranker();
    readDimensions();
    if (const nlohmann::json* rope = m_config.find({"rope_parameters", "rope_scaling"}); rope && rope->is_object()) {
        m_ropeParameters = *rope;
    }
    if (!m_ropeParameters.contains("full_attention") && !m_ropeParameters.contains("sliding_attention") &&
        !m_ropeParameters.contains("rope_theta")) {
        if (const nlohmann::json* theta = m_config.find(
                {"global_rope_theta", "rope_global_theta", "rope_theta_global", "rope_theta", "rotary_emb_base"})) {
            m_ropeParameters["rope_theta"] = *theta;
        }
    }
    mapTensors();
    checkShapes();
    resolveType();

    const std::string& gguf = m_plan.architecture->ggufName;
    const nlohmann::json& rope = ropeParameters();
    const auto ropeTypeIs = [&](const std::string& wanted) {
        for (const char* field : {"rope_type", "type"}) {
            const auto it = rope.find(field);
            if (it != rope.end() && it->is_string()) {
                return lower(it->get<std::string>()) == wanted;
            }
        }
        return false;
    };
    if (m_plan.architecture->llama3RopeFrequencies && ropeTypeIs("llama3")) {
        const auto value = [&](const char* name, double fallback) {
            const auto it = rope.find(name);
            return it == rope.end() || it->is_null() ? fallback : numberOf(m_config, *it, name);
        };
        // The runtime multiplies each rotated pair's frequency by these factors (rope_freqs.weight).
        const double original = value("original_max_position_embeddings",
                                      m_config.numberValue({"original_max_position_embeddings"}).value_or(8192.0));
        addGenerated("rope_freqs.weight",
                     llama3RopeFactors(value("rope_theta", 10000.0), m_dimensions.headDim, value("factor", 8.0),
                                       value("low_freq_factor", 1.0), value("high_freq_factor", 4.0), original));
    }
    if (gguf == "phi3") {
        if (const nlohmann::json* scaling = m_config.find({"rope_scaling"}); scaling && scaling->is_object()) {
            std::string type;
            for (const char* field : {"rope_type", "type"}) {
                if (type.empty() && scaling->contains(field) && (*scaling)[field].is_string()) {
                    type = lower((*scaling)[field].get<std::string>());
                }
            }
            const double context = static_cast<double>(
                m_config.requireUnsigned({"n_positions", "max_position_embeddings"}, "llama.cpp's phi3 needs it"));
            const double original =
                static_cast<double>(m_config.unsignedValue({"original_max_position_embeddings"}).value_or(0));
            const double scale = original > 0 ? context / original : 1.0;
            double attention = 1.0;
            if (type == "su" || type == "longrope") {
                attention = scale > 1.0 ? std::sqrt(1 + std::log(scale) / std::log(original)) : 1.0;
            } else if (type == "yarn") {
                attention = scale > 1.0 ? 0.1 * std::log(scale) + 1.0 : 1.0;
            } else {
                m_config.fail("has rope_scaling type \"" + type +
                              "\"; Phi-3 models export with longrope, su or yarn only");
            }
            const double rotary = m_config.numberValue({"partial_rotary_factor"}).value_or(1.0);
            const auto ropeDims =
                static_cast<std::uint64_t>(rotary * static_cast<double>(m_dimensions.embedding)) / m_dimensions.heads;
            std::vector<float> factors[2];
            const char* names[2] = {"long_factor", "short_factor"};
            for (int i = 0; i < 2; ++i) {
                const auto it = scaling->find(names[i]);
                if (it == scaling->end() || !it->is_array() || it->size() * 2 != ropeDims) {
                    m_config.fail(std::string("has a rope_scaling without a ") + names[i] + " list of " +
                                  std::to_string(ropeDims / 2) + " numbers");
                }
                for (const nlohmann::json& item : *it) {
                    factors[i].push_back(static_cast<float>(numberOf(m_config, item, names[i])));
                }
            }
            m_plan.metadata.set(key("rope.scaling.attn_factor"), GgufValue::float32(static_cast<float>(attention)));
            addGenerated("rope_factors_long.weight", std::move(factors[0]));
            addGenerated("rope_factors_short.weight", std::move(factors[1]));
        }
    }
    buildTensors();

    GgufMetadata architectureKeys = std::move(m_plan.metadata);
    m_plan.metadata = GgufMetadata();
    ExportKeys keys(m_request, m_config, m_dimensions, ropeParameters(), m_plan);
    keys.addGeneralKeys();
    keys.addArchitectureKeys();
    m_plan.metadata.merge(architectureKeys);
    m_plan.metadata.set("general.quantization_version", GgufValue::uint32(2));
    if (m_request.tokenizerMetadata) {
        m_plan.metadata.merge(*m_request.tokenizerMetadata);
    } else {
        m_plan.metadata.merge(readTokenizerMetadata(m_request.modelDirectory, m_config.raw(), gguf,
                                                    static_cast<std::uint32_t>(m_dimensions.vocabulary)));
    }
    refuseNameThatBreaksTheVocabulary();
    return std::move(m_plan);
}

void Planner::refuseNameThatBreaksTheVocabulary() const
{
    // src/llama-vocab.cpp: when general.name contains "phi3" or "phi-3" (any case), the runtime sets attributes of
    // the tokens </s>, <unk>, <s> and <|endoftext|> by name and fails to load ("_Map_base::at") when one is
    // missing, as in a vocabulary that is not Phi-3's.
    const std::string name = lower(m_plan.metadata.find("general.name")->asString());
    const GgufValue* tokens = m_plan.metadata.find("tokenizer.ggml.tokens");
    if ((name.find("phi3") == std::string::npos && name.find("phi-3") == std::string::npos) || !tokens ||
        !tokens->isArray() || tokens->elementType() != GgufValueType::String) {
        return;
    }
    std::vector<std::string> missing = {"</s>", "<unk>", "<s>", "<|endoftext|>"};
    for (const GgufValue::Scalar& token : tokens->elements()) {
        missing.erase(std::remove(missing.begin(), missing.end(), std::get<std::string>(token)), missing.end());
    }
    if (!missing.empty()) {
        fail("its name \"" + m_plan.metadata.find("general.name")->asString() + "\" contains \"phi3\", so " +
             "llama.cpp would look up Phi-3's special tokens, but the vocabulary lacks " + listed(missing) +
             " and llama.cpp would refuse the file; give the model another name (its folder's name, or `name` in "
             "its README front matter)");
    }
}

} // namespace

ExportPlan ExportPlanner::plan(const GgufExportRequest& request, const ModelCheckpoint& checkpoint)
{
    return Planner(request, checkpoint).run();
}

} // namespace deepext::gguf
