#include "ExportKeys.h"

#include "ModelCardFields.h"
#include "deepext/base/AtomicFile.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace deepext::gguf {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// gguf-py/gguf/utility.py `model_weight_count_rounded_notation` with two significant digits at least.
std::string sizeLabel(std::uint64_t parameters)
{
    const auto count = static_cast<double>(parameters);
    double scaled = count * 1e-3;
    char suffix = 'K';
    if (count > 1e12) {
        scaled = count * 1e-12;
        suffix = 'T';
    } else if (count > 1e9) {
        scaled = count * 1e-9;
        suffix = 'B';
    } else if (count > 1e6) {
        scaled = count * 1e-6;
        suffix = 'M';
    }
    const double rounded = std::nearbyint(scaled); // Python's round(): half to even
    const int digits = rounded == 0 ? 0 : static_cast<int>(std::to_string(static_cast<long long>(rounded)).size());
    const int fix = std::max(2 - digits, 0);
    char text[64];
    std::snprintf(text, sizeof text, "%.*f%c", fix, scaled, suffix);
    return text;
}

} // namespace

ExportKeys::ExportKeys(const GgufExportRequest& request, const ModelConfig& config, const ModelDimensions& dimensions,
                       const nlohmann::json& ropeParameters, ExportPlan& plan)
    : m_request(request)
    , m_config(config)
    , m_ropeParameters(ropeParameters)
    , m_plan(plan)
    , m_dimensions(dimensions)
{
}

std::uint32_t ExportKeys::u32(std::uint64_t value, const std::string& key) const
{
    if (value > UINT32_MAX) {
        m_config.fail("has \"" + key + "\": " + std::to_string(value) + ", too large for GGUF");
    }
    return static_cast<std::uint32_t>(value);
}

std::string ExportKeys::key(const std::string& suffix) const
{
    return m_plan.architecture->ggufName + "." + suffix;
}

void ExportKeys::setU32(const std::string& suffix, std::uint64_t value)
{
    m_plan.metadata.set(key(suffix), GgufValue::uint32(u32(value, suffix)));
}

void ExportKeys::setF32(const std::string& suffix, double value)
{
    m_plan.metadata.set(key(suffix), GgufValue::float32(static_cast<float>(value)));
}

void ExportKeys::addArchitectureKeys()
{
    const std::string& gguf = m_plan.architecture->ggufName;
    if (gguf == "gemma2") {
        addGemma2Keys();
    } else if (gguf == "phi3") {
        addPhi3Keys();
    } else {
        addTextModelKeys();
    }
}

void ExportKeys::addSamplingKeys()
{
    // gguf-py/gguf/metadata.py: generation_config.json's sampling defaults, which llama.cpp's common library uses.
    nlohmann::json generation;
    try {
        generation = nlohmann::json::parse(
            readWholeFile((fs::path(m_request.modelDirectory) / "generation_config.json").string()));
    } catch (const std::exception&) {
        return; // absent or not valid JSON: the converter writes no sampling keys either
    }
    if (!generation.is_object()) {
        return;
    }
    const auto number = [&](const char* source, const char* target) {
        const auto it = generation.find(source);
        if (it != generation.end() && it->is_number()) {
            m_plan.metadata.set(target, GgufValue::float32(static_cast<float>(it->get<double>())));
        }
    };
    if (const auto it = generation.find("top_k"); it != generation.end() && it->is_number_integer()) {
        const std::int64_t topK = it->get<std::int64_t>();
        if (topK >= INT32_MIN && topK <= INT32_MAX) {
            m_plan.metadata.set("general.sampling.top_k", GgufValue::int32(static_cast<std::int32_t>(topK)));
        }
    }
    number("top_p", "general.sampling.top_p");
    number("min_p", "general.sampling.min_p");
    number("temperature", "general.sampling.temp");
    number("repetition_penalty", "general.sampling.penalty_repeat");
}

void ExportKeys::addGeneralKeys()
{
    const ModelCardFields card = ModelCardFields::read(m_request.modelDirectory);
    m_plan.metadata.set("general.architecture", GgufValue::string(m_plan.architecture->ggufName));
    m_plan.metadata.set("general.type", GgufValue::string("model"));
    addSamplingKeys();
    std::string name = m_request.modelName;
    if (name.empty() && card.name) {
        name = *card.name;
    }
    if (name.empty()) {
        const fs::path directory = fs::absolute(m_request.modelDirectory).lexically_normal();
        name = (directory.filename().empty() ? directory.parent_path() : directory).filename().string();
    }
    m_plan.metadata.set("general.name", GgufValue::string(name));
    std::uint64_t parameters = 0;
    for (const ExportTensor& tensor : m_plan.tensors) {
        std::uint64_t count = 1;
        for (const std::uint64_t n : tensor.ne) {
            count *= n;
        }
        parameters += count;
    }
    m_plan.metadata.set("general.size_label", GgufValue::string(sizeLabel(parameters)));
    if (card.license) {
        m_plan.metadata.set("general.license", GgufValue::string(*card.license));
    }
    if (!card.tags.empty()) {
        m_plan.metadata.set("general.tags", GgufValue::stringArray(card.tags));
    }
}

void ExportKeys::addTextModelKeys()
{
    // TextModel.set_gguf_parameters (+ LlamaModel.set_gguf_parameters).
    const std::string needed = "llama.cpp needs it";
    setU32("block_count", m_dimensions.layers);
    setU32("context_length", m_config.requireUnsigned({"max_position_embeddings", "n_ctx", "n_positions", "max_length",
                                                       "max_sequence_length", "model_max_length"},
                                                      "llama.cpp needs the context length"));
    setU32("embedding_length", m_dimensions.embedding);
    setU32("feed_forward_length", m_dimensions.feedForward);
    setU32("attention.head_count", m_dimensions.heads);
    if (m_config.find({"num_key_value_heads", "n_kv_heads"})) {
        setU32("attention.head_count_kv", m_dimensions.kvHeads);
    }
    const nlohmann::json& rope = m_ropeParameters;
    std::string ropeType;
    if (const auto it = rope.find("rope_type"); it != rope.end() && it->is_string()) {
        ropeType = it->get<std::string>();
    } else if (const auto type = rope.find("type"); type != rope.end() && type->is_string()) {
        ropeType = type->get<std::string>();
    }
    const auto ropeNumber = [&](const char* name) -> std::optional<double> {
        const auto it = rope.find(name);
        if (it == rope.end() || it->is_null()) {
            return std::nullopt;
        }
        return numberOf(m_config, *it, std::string("rope_scaling.") + name);
    };
    const std::optional<double> factor = ropeNumber("factor");
    if (ropeType == "linear" && factor) {
        m_plan.metadata.set(key("rope.scaling.type"), GgufValue::string("linear"));
        setF32("rope.scaling.factor", *factor);
    } else if (ropeType == "yarn" && factor) {
        m_plan.metadata.set(key("rope.scaling.type"), GgufValue::string("yarn"));
        setF32("rope.scaling.factor", *factor);
        const auto original = rope.find("original_max_position_embeddings");
        if (original == rope.end() || original->is_null()) {
            m_config.fail("has a yarn rope_scaling without original_max_position_embeddings");
        }
        setU32("rope.scaling.original_context_length",
               unsignedOf(m_config, *original, "rope_scaling.original_max_position_embeddings"));
        if (const auto value = ropeNumber("extrapolation_factor")) {
            setF32("rope.scaling.yarn_ext_factor", *value);
        }
        if (const auto value =
                ropeNumber("attention_factor") ? ropeNumber("attention_factor") : ropeNumber("attn_factor")) {
            setF32("rope.scaling.yarn_attn_factor", *value);
        }
        if (const auto value = ropeNumber("beta_fast")) {
            setF32("rope.scaling.yarn_beta_fast", *value);
        }
        if (const auto value = ropeNumber("beta_slow")) {
            setF32("rope.scaling.yarn_beta_slow", *value);
        }
    } else if (ropeType == "su" || ropeType == "longrope") {
        m_plan.metadata.set(key("rope.scaling.type"), GgufValue::string("longrope"));
    } else if (!ropeType.empty() && ropeType != "default" && ropeType != "dynamic" && lower(ropeType) != "llama3") {
        m_plan.warnings.push_back("config.json has RoPE scaling type \"" + ropeType +
                                  "\", which llama.cpp does not know; the model is exported without it");
    }
    if (lower(ropeType) == "llama3" && !m_plan.architecture->llama3RopeFrequencies) {
        m_plan.warnings.push_back("config.json has RoPE scaling type llama3, which llama.cpp applies to llama models "
                                  "only; the model is exported without it");
    }
    if (const std::optional<double> theta = ropeNumber("rope_theta")) {
        setF32("rope.freq_base", *theta);
    }
    setF32("attention.layer_norm_rms_epsilon", m_config.requireNumber({"rms_norm_eps", "norm_eps"}, needed));
    if (m_config.find({"head_dim"})) {
        setU32("attention.key_length", m_dimensions.headDim);
        setU32("attention.value_length", m_dimensions.headDim);
    }
    m_plan.metadata.set("general.file_type", GgufValue::uint32(m_plan.fileType));
    if (m_plan.architecture->writesVocabSize) {
        setU32("vocab_size", m_dimensions.vocabulary);
        setU32("rope.dimension_count", m_dimensions.headDim);
    }
}

void ExportKeys::addGemma2Keys()
{
    // Gemma2Model.set_gguf_parameters (no TextModel keys: no rope.freq_base, the runtime's default is 10000).
    const std::string needed = "llama.cpp's gemma2 needs it";
    setU32("context_length", m_config.requireUnsigned({"max_position_embeddings"}, needed));
    setU32("embedding_length", m_dimensions.embedding);
    setU32("block_count", m_dimensions.layers);
    setU32("feed_forward_length", m_dimensions.feedForward);
    setU32("attention.head_count", m_dimensions.heads);
    setU32("attention.head_count_kv", m_dimensions.kvHeads);
    setF32("attention.layer_norm_rms_epsilon", m_config.requireNumber({"rms_norm_eps"}, needed));
    const std::uint64_t headDim = m_config.requireUnsigned({"head_dim"}, needed);
    setU32("attention.key_length", headDim);
    setU32("attention.value_length", headDim);
    m_plan.metadata.set("general.file_type", GgufValue::uint32(m_plan.fileType));
    setF32("attn_logit_softcapping", m_config.requireNumber({"attn_logit_softcapping"}, needed));
    setF32("final_logit_softcapping", m_config.requireNumber({"final_logit_softcapping"}, needed));
    setU32("attention.sliding_window", m_config.requireUnsigned({"sliding_window"}, needed));
    if (const std::optional<double> scalar = m_config.numberValue({"query_pre_attn_scalar"});
        scalar && *scalar != static_cast<double>(headDim) && m_dimensions.layers != 46) {
        m_plan.warnings.push_back("config.json has query_pre_attn_scalar " + std::to_string(*scalar) +
                                  ", but llama.cpp scales gemma2 queries by 1/sqrt(head_dim " +
                                  std::to_string(headDim) + "); its outputs will differ");
    }
    if (const std::optional<double> theta = m_config.numberValue({"rope_theta"}); theta && *theta != 10000.0) {
        m_plan.warnings.push_back("config.json has rope_theta " + std::to_string(*theta) +
                                  ", but llama.cpp's gemma2 always uses 10000; its outputs will differ");
    }
}

void ExportKeys::addPhi3Keys()
{
    // Phi3MiniModel.set_gguf_parameters and generate_extra_tensors.
    const std::string needed = "llama.cpp's phi3 needs it";
    const std::uint64_t context = m_config.requireUnsigned({"n_positions", "max_position_embeddings"}, needed);
    const std::optional<std::uint64_t> original = m_config.unsignedValue({"original_max_position_embeddings"});
    if (!original) {
        m_config.fail("has no \"original_max_position_embeddings\" (the context length the model was trained with), "
                      "which llama.cpp's converter requires for Phi-3 models; add it to config.json with the value "
                      "of the original model's config.json");
    }
    const double rotary = m_config.numberValue({"partial_rotary_factor"}).value_or(1.0);
    const auto ropeDims =
        static_cast<std::uint64_t>(rotary * static_cast<double>(m_dimensions.embedding)) / m_dimensions.heads;
    setU32("context_length", context);
    setU32("rope.scaling.original_context_length", *original);
    setU32("embedding_length", m_dimensions.embedding);
    setU32("feed_forward_length", m_dimensions.feedForward);
    setU32("block_count", m_dimensions.layers);
    setU32("attention.head_count", m_dimensions.heads);
    setU32("attention.head_count_kv", m_config.requireUnsigned({"num_key_value_heads", "n_head_kv"}, needed));
    setF32("attention.layer_norm_rms_epsilon", m_config.requireNumber({"rms_norm_eps"}, needed));
    setU32("rope.dimension_count", ropeDims);
    setF32("rope.freq_base", m_config.requireNumber({"rope_theta"}, needed));
    m_plan.metadata.set("general.file_type", GgufValue::uint32(m_plan.fileType));
    // "use zero value of sliding_window to distinguish Phi-4 from other PHI3 models"
    setU32("attention.sliding_window", m_config.unsignedValue({"sliding_window"}).value_or(0));
}

} // namespace deepext::gguf
