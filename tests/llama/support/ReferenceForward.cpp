#include "ReferenceForward.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/merge/Dtype.h"
#include "deepext/merge/ModelCheckpoint.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numbers>

namespace deepext::test {
namespace {

namespace fs = std::filesystem;

using Matrix = std::vector<std::vector<float>>; // [position][feature]

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

int intValue(const nlohmann::json& config, const char* key)
{
    const auto it = config.find(key);
    if (it == config.end() || !it->is_number_integer()) {
        throw Error(std::string("config.json has no integer \"") + key + "\"");
    }
    return it->get<int>();
}

template <typename T>
T valueOr(const nlohmann::json& config, const char* key, T fallback)
{
    const auto it = config.find(key);
    return it == config.end() || it->is_null() ? fallback : it->get<T>();
}

// y = W x (+ b) for every position; W is [out, in] row-major as in the checkpoint.
Matrix linear(const Matrix& x, const std::vector<float>& w, std::size_t out, const std::vector<float>* bias)
{
    Matrix y(x.size(), std::vector<float>(out));
    for (std::size_t p = 0; p < x.size(); ++p) {
        const std::size_t in = x[p].size();
        for (std::size_t o = 0; o < out; ++o) {
            double sum = bias ? (*bias)[o] : 0.0;
            const float* row = w.data() + o * in;
            for (std::size_t i = 0; i < in; ++i) {
                sum += static_cast<double>(row[i]) * x[p][i];
            }
            y[p][o] = static_cast<float>(sum);
        }
    }
    return y;
}

// transformers' RMSNorm over `x` (every position, or `groups` equal slices of it: Qwen3's per-head q/k norms):
// x / sqrt(mean(x²) + eps) × w, or × (1 + w) for Gemma.
void rmsNorm(Matrix& x, const std::vector<float>& w, double eps, bool onePlusWeight, std::size_t groups = 1)
{
    for (auto& row : x) {
        const std::size_t width = row.size() / groups;
        for (std::size_t g = 0; g < groups; ++g) {
            float* v = row.data() + g * width;
            double squares = 0.0;
            for (std::size_t i = 0; i < width; ++i) {
                squares += static_cast<double>(v[i]) * v[i];
            }
            const double inverse = 1.0 / std::sqrt(squares / static_cast<double>(width) + eps);
            for (std::size_t i = 0; i < width; ++i) {
                const double scale = onePlusWeight ? 1.0 + w[i] : w[i];
                v[i] = static_cast<float>(v[i] * inverse * scale);
            }
        }
    }
}

// rotate_half RoPE (modeling_llama.apply_rotary_pos_emb) on the first rotaryDim dims of every head: dims i and
// i + rotaryDim/2 form a pair, as HF lays them out.
void applyRope(Matrix& x, int headCount, int headDim, int rotaryDim, const std::vector<double>& inverseFrequencies)
{
    const int half = rotaryDim / 2;
    for (std::size_t position = 0; position < x.size(); ++position) {
        for (int h = 0; h < headCount; ++h) {
            float* v = x[position].data() + static_cast<std::size_t>(h) * headDim;
            for (int i = 0; i < half; ++i) {
                const double angle = static_cast<double>(position) * inverseFrequencies[static_cast<std::size_t>(i)];
                const double c = std::cos(angle);
                const double s = std::sin(angle);
                const double a = v[i];
                const double b = v[i + half];
                v[i] = static_cast<float>(a * c - b * s);
                v[i + half] = static_cast<float>(b * c + a * s);
            }
        }
    }
}

double silu(double x)
{
    return x / (1.0 + std::exp(-x));
}

// gelu_pytorch_tanh (Gemma 2's hidden_activation).
double geluTanh(double x)
{
    const double k = std::sqrt(2.0 / std::numbers::pi);
    return 0.5 * x * (1.0 + std::tanh(k * (x + 0.044715 * x * x * x)));
}

// ggml's GELU table: fp16(x) -> fp16(gelu_tanh(x)) in float, with x <= -10 -> 0 and x >= 10 -> x
// (ggml-cpu/vec.h ggml_vec_geglu_f32; ggml-cpu.c fills ggml_table_gelu_f16 with ggml_gelu_f32).
double geluGgmlTable(double x)
{
    if (x <= -10.0) {
        return 0.0;
    }
    if (x >= 10.0) {
        return x;
    }
    const float input = f16ToFloat(floatToF16(static_cast<float>(x)));
    const float k = 0.79788456080286535587989211986876f; // SQRT_2_OVER_PI
    const float value = 0.5f * input * (1.0f + std::tanh(k * input * (1.0f + 0.044715f * input * input)));
    return f16ToFloat(floatToF16(value));
}

void addInto(Matrix& x, const Matrix& y)
{
    for (std::size_t p = 0; p < x.size(); ++p) {
        for (std::size_t i = 0; i < x[p].size(); ++i) {
            x[p][i] += y[p][i];
        }
    }
}

Matrix sliceColumns(const Matrix& x, std::size_t begin, std::size_t count)
{
    Matrix y(x.size());
    for (std::size_t p = 0; p < x.size(); ++p) {
        y[p].assign(x[p].begin() + static_cast<std::ptrdiff_t>(begin),
                    x[p].begin() + static_cast<std::ptrdiff_t>(begin + count));
    }
    return y;
}

std::vector<float> widen(const TensorInfo& tensor, const std::uint8_t* bytes, const std::string& path)
{
    const std::uint64_t count = tensor.elementCount();
    std::vector<float> values(count);
    for (std::uint64_t i = 0; i < count; ++i) {
        switch (tensor.dtype) {
        case Dtype::F32:
            std::memcpy(&values[i], bytes + i * 4, 4);
            break;
        case Dtype::F16:
        case Dtype::BF16: {
            std::uint16_t bits = 0;
            std::memcpy(&bits, bytes + i * 2, 2);
            values[i] = tensor.dtype == Dtype::F16 ? f16ToFloat(bits) : bf16ToFloat(bits);
            break;
        }
        default:
            throw Error("the reference forward pass reads F32, F16 and BF16 weights only; " + tensor.name + " in " +
                        path + " is " + dtypeName(tensor.dtype));
        }
    }
    return values;
}

} // namespace

ReferenceConfig ReferenceConfig::fromJson(const nlohmann::json& config)
{
    ReferenceConfig c;
    const auto architectures = config.find("architectures");
    if (architectures == config.end() || !architectures->is_array() || architectures->empty() ||
        !(*architectures)[0].is_string()) {
        throw Error("config.json has no \"architectures\" list");
    }
    c.architecture = (*architectures)[0].get<std::string>();
    static const std::map<std::string, ReferenceFamily> families{
        {"LlamaForCausalLM", ReferenceFamily::Llama},   {"MistralForCausalLM", ReferenceFamily::Mistral},
        {"Qwen2ForCausalLM", ReferenceFamily::Qwen2},   {"Qwen3ForCausalLM", ReferenceFamily::Qwen3},
        {"Gemma2ForCausalLM", ReferenceFamily::Gemma2}, {"Phi3ForCausalLM", ReferenceFamily::Phi3}};
    const auto family = families.find(c.architecture);
    if (family == families.end()) {
        throw Error("the reference forward pass does not compute " + c.architecture +
                    " (it knows LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM, "
                    "Gemma2ForCausalLM, Phi3ForCausalLM)");
    }
    c.family = family->second;
    const bool gemma = c.family == ReferenceFamily::Gemma2;

    c.hiddenSize = intValue(config, "hidden_size");
    c.layers = intValue(config, "num_hidden_layers");
    c.heads = intValue(config, "num_attention_heads");
    c.kvHeads = valueOr<int>(config, "num_key_value_heads", c.heads);
    c.intermediateSize = intValue(config, "intermediate_size");
    c.vocabSize = intValue(config, "vocab_size");
    c.headDim = valueOr<int>(config, "head_dim", c.hiddenSize / c.heads);
    c.rmsNormEps =
        valueOr<double>(config, "rms_norm_eps", gemma ? 1e-6 : (c.family == ReferenceFamily::Phi3 ? 1e-5 : 1e-6));
    if (c.heads <= 0 || c.kvHeads <= 0 || c.heads % c.kvHeads != 0 || c.headDim <= 0 || c.headDim % 2 != 0) {
        throw Error("config.json has inconsistent attention sizes (heads " + std::to_string(c.heads) + ", kv heads " +
                    std::to_string(c.kvHeads) + ", head_dim " + std::to_string(c.headDim) + ")");
    }

    const std::string activation =
        valueOr<std::string>(config, gemma ? "hidden_activation" : "hidden_act", gemma ? "gelu_pytorch_tanh" : "silu");
    if (activation != (gemma ? "gelu_pytorch_tanh" : "silu")) {
        throw Error("the reference forward pass does not compute hidden activation \"" + activation + "\" for " +
                    c.architecture);
    }

    // transformers' config classes: tie_word_embeddings defaults to true only for Gemma 2 here.
    c.tiedEmbeddings = valueOr<bool>(config, "tie_word_embeddings", gemma);
    switch (c.family) {
    case ReferenceFamily::Llama:
        c.qkvBias = c.outputBias = valueOr<bool>(config, "attention_bias", false);
        c.mlpBias = valueOr<bool>(config, "mlp_bias", false);
        break;
    case ReferenceFamily::Qwen2:
        c.qkvBias = true; // modeling_qwen2: q/k/v_proj bias=True, o_proj bias=False
        if (valueOr<bool>(config, "use_sliding_window", false)) {
            throw Error("the reference forward pass does not compute Qwen2's use_sliding_window");
        }
        break;
    case ReferenceFamily::Qwen3:
        c.qkvBias = c.outputBias = valueOr<bool>(config, "attention_bias", false);
        if (valueOr<bool>(config, "use_sliding_window", false)) {
            throw Error("the reference forward pass does not compute Qwen3's use_sliding_window");
        }
        break;
    case ReferenceFamily::Mistral:
    case ReferenceFamily::Phi3:
        c.slidingWindow = valueOr<int>(config, "sliding_window", 0);
        break;
    case ReferenceFamily::Gemma2:
        c.slidingWindow = valueOr<int>(config, "sliding_window", 4096);
        c.slidingOnEvenLayersOnly = true;
        c.attnSoftcap = valueOr<double>(config, "attn_logit_softcapping", 0.0);
        c.finalSoftcap = valueOr<double>(config, "final_logit_softcapping", 0.0);
        break;
    }

    const double queryPreAttnScalar =
        gemma ? valueOr<double>(config, "query_pre_attn_scalar", 256.0) : static_cast<double>(c.headDim);
    c.queryScale = 1.0 / std::sqrt(queryPreAttnScalar);

    const double partialRotary = valueOr<double>(config, "partial_rotary_factor", 1.0);
    c.rotaryDim = static_cast<int>(c.headDim * partialRotary);
    if (c.rotaryDim <= 0 || c.rotaryDim % 2 != 0 || c.rotaryDim > c.headDim) {
        throw Error("config.json partial_rotary_factor gives " + std::to_string(c.rotaryDim) + " rotary dims of " +
                    std::to_string(c.headDim));
    }

    // transformers >= 5 writes rope_parameters (with rope_theta inside); older versions rope_scaling + rope_theta.
    nlohmann::json rope =
        config.contains("rope_parameters") ? config["rope_parameters"] : config.value("rope_scaling", nlohmann::json());
    c.ropeTheta = valueOr<double>(config, "rope_theta", 10000.0);
    if (rope.is_object()) {
        c.ropeTheta = valueOr<double>(rope, "rope_theta", c.ropeTheta);
        c.ropeType = rope.contains("rope_type") ? valueOr<std::string>(rope, "rope_type", "default")
                                                : valueOr<std::string>(rope, "type", "default");
        c.ropeFactor = valueOr<double>(rope, "factor", 1.0);
        if (c.ropeType == "llama3") {
            c.lowFreqFactor = valueOr<double>(rope, "low_freq_factor", 1.0);
            c.highFreqFactor = valueOr<double>(rope, "high_freq_factor", 4.0);
            c.originalMaxPositions = valueOr<double>(rope, "original_max_position_embeddings", 0.0);
            if (c.originalMaxPositions <= 0 || c.highFreqFactor <= c.lowFreqFactor) {
                throw Error("config.json rope_scaling llama3 needs original_max_position_embeddings and "
                            "high_freq_factor > low_freq_factor");
            }
        } else if (c.ropeType != "default" && c.ropeType != "linear") {
            throw Error("the reference forward pass does not compute rope type \"" + c.ropeType + "\"");
        }
    }
    return c;
}

std::vector<double> ropeInverseFrequencies(const ReferenceConfig& c)
{
    const int half = c.rotaryDim / 2;
    std::vector<double> frequencies(static_cast<std::size_t>(half));
    for (int i = 0; i < half; ++i) {
        double inverse = 1.0 / std::pow(c.ropeTheta, 2.0 * i / c.rotaryDim);
        if (c.ropeType == "linear") {
            inverse /= c.ropeFactor;
        } else if (c.ropeType == "llama3") {
            // modeling_rope_utils._compute_llama3_parameters
            const double lowFreqWavelen = c.originalMaxPositions / c.lowFreqFactor;
            const double highFreqWavelen = c.originalMaxPositions / c.highFreqFactor;
            const double wavelen = 2.0 * std::numbers::pi / inverse;
            if (wavelen > lowFreqWavelen) {
                inverse /= c.ropeFactor;
            } else if (wavelen >= highFreqWavelen) {
                const double smooth =
                    (c.originalMaxPositions / wavelen - c.lowFreqFactor) / (c.highFreqFactor - c.lowFreqFactor);
                inverse = (1.0 - smooth) * inverse / c.ropeFactor + smooth * inverse;
            }
        }
        frequencies[static_cast<std::size_t>(i)] = inverse;
    }
    return frequencies;
}

ReferenceForward ReferenceForward::load(const std::string& modelDirectory)
{
    ReferenceForward model;
    model.m_directory = modelDirectory;
    const std::string configPath = (fs::path(modelDirectory) / "config.json").string();
    try {
        model.m_config = ReferenceConfig::fromJson(nlohmann::json::parse(readWholeFile(configPath)));
    } catch (const nlohmann::json::exception& error) {
        throw Error("cannot read " + configPath + ": " + error.what());
    } catch (const Error& error) {
        throw Error(configPath + ": " + error.message());
    }
    const ModelCheckpoint checkpoint = ModelCheckpoint::scan(modelDirectory);
    for (const auto& shard : checkpoint.shards) {
        const auto file = SafeTensorsFile::open(shard.path);
        for (const auto& tensor : file->header().tensors) {
            model.m_weights[tensor.name] = Weight{tensor.shape, widen(tensor, file->tensorData(tensor), shard.path)};
        }
    }
    return model;
}

const ReferenceForward::Weight* ReferenceForward::optionalWeight(const std::string& name,
                                                                 const std::vector<std::int64_t>& shape) const
{
    const auto it = m_weights.find(name);
    if (it == m_weights.end()) {
        return nullptr;
    }
    if (it->second.shape != shape) {
        throw Error("tensor " + name + " in " + m_directory + " has shape " + shapeText(it->second.shape) + ", " +
                    m_config.architecture + " with this config.json needs " + shapeText(shape));
    }
    return &it->second;
}

const ReferenceForward::Weight& ReferenceForward::weight(const std::string& name,
                                                         const std::vector<std::int64_t>& shape) const
{
    const Weight* found = optionalWeight(name, shape);
    if (!found) {
        throw Error("tensor " + name + " is missing from " + m_directory);
    }
    return *found;
}

std::vector<float> ReferenceForward::nextTokenLogits(const std::vector<int>& tokens) const
{
    const ReferenceConfig& c = m_config;
    if (tokens.empty()) {
        throw Error("the reference forward pass needs at least one token");
    }
    const bool gemma = c.family == ReferenceFamily::Gemma2;
    const std::int64_t hidden = c.hiddenSize;
    const std::int64_t qWidth = static_cast<std::int64_t>(c.heads) * c.headDim;
    const std::int64_t kvWidth = static_cast<std::int64_t>(c.kvHeads) * c.headDim;
    const std::int64_t inter = c.intermediateSize;
    const auto size = [](std::int64_t n) { return static_cast<std::size_t>(n); };

    const Weight& embed = weight("model.embed_tokens.weight", {c.vocabSize, hidden});
    Matrix x(tokens.size(), std::vector<float>(size(hidden)));
    for (std::size_t p = 0; p < tokens.size(); ++p) {
        if (tokens[p] < 0 || tokens[p] >= c.vocabSize) {
            throw Error("token id " + std::to_string(tokens[p]) + " is outside the vocabulary of " + m_directory);
        }
        const float* row = embed.values.data() + static_cast<std::size_t>(tokens[p]) * size(hidden);
        for (std::int64_t i = 0; i < hidden; ++i) {
            // Gemma2Model scales by a tensor of hidden_size**0.5 in the activations' dtype (fp32 here).
            x[p][size(i)] = gemma ? row[i] * static_cast<float>(std::sqrt(static_cast<double>(hidden))) : row[i];
        }
    }

    const std::vector<double> inverseFrequencies = ropeInverseFrequencies(c);
    for (int layer = 0; layer < c.layers; ++layer) {
        const std::string prefix = "model.layers." + std::to_string(layer) + ".";
        const auto bias = [&](const std::string& name, std::int64_t n, bool present) -> const std::vector<float>* {
            return present ? &weight(prefix + name, {n}).values : nullptr;
        };

        Matrix normed = x;
        rmsNorm(normed, weight(prefix + "input_layernorm.weight", {hidden}).values, c.rmsNormEps, gemma);

        Matrix q, k, v;
        if (c.family == ReferenceFamily::Phi3) {
            // qkv_proj rows: q, then k, then v (modeling_phi3.Phi3Attention.forward).
            const Matrix qkv =
                linear(normed, weight(prefix + "self_attn.qkv_proj.weight", {qWidth + 2 * kvWidth, hidden}).values,
                       size(qWidth + 2 * kvWidth), nullptr);
            q = sliceColumns(qkv, 0, size(qWidth));
            k = sliceColumns(qkv, size(qWidth), size(kvWidth));
            v = sliceColumns(qkv, size(qWidth + kvWidth), size(kvWidth));
        } else {
            q = linear(normed, weight(prefix + "self_attn.q_proj.weight", {qWidth, hidden}).values, size(qWidth),
                       bias("self_attn.q_proj.bias", qWidth, c.qkvBias));
            k = linear(normed, weight(prefix + "self_attn.k_proj.weight", {kvWidth, hidden}).values, size(kvWidth),
                       bias("self_attn.k_proj.bias", kvWidth, c.qkvBias));
            v = linear(normed, weight(prefix + "self_attn.v_proj.weight", {kvWidth, hidden}).values, size(kvWidth),
                       bias("self_attn.v_proj.bias", kvWidth, c.qkvBias));
        }
        if (c.family == ReferenceFamily::Qwen3) {
            // Per-head RMSNorm before RoPE (modeling_qwen3.Qwen3Attention.forward).
            rmsNorm(q, weight(prefix + "self_attn.q_norm.weight", {c.headDim}).values, c.rmsNormEps, false,
                    size(c.heads));
            rmsNorm(k, weight(prefix + "self_attn.k_norm.weight", {c.headDim}).values, c.rmsNormEps, false,
                    size(c.kvHeads));
        }
        applyRope(q, c.heads, c.headDim, c.rotaryDim, inverseFrequencies);
        applyRope(k, c.kvHeads, c.headDim, c.rotaryDim, inverseFrequencies);

        const bool sliding = c.slidingWindow > 0 && (!c.slidingOnEvenLayersOnly || layer % 2 == 0);
        const int groupSize = c.heads / c.kvHeads;
        Matrix attended(tokens.size(), std::vector<float>(size(qWidth)));
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            for (int h = 0; h < c.heads; ++h) {
                const std::size_t qOffset = static_cast<std::size_t>(h) * size(c.headDim);
                const std::size_t kvOffset = static_cast<std::size_t>(h / groupSize) * size(c.headDim);
                std::vector<double> scores(i + 1, -INFINITY);
                double best = -INFINITY;
                for (std::size_t j = 0; j <= i; ++j) {
                    if (sliding && i - j >= static_cast<std::size_t>(c.slidingWindow)) {
                        continue;
                    }
                    double dot = 0.0;
                    for (int d = 0; d < c.headDim; ++d) {
                        dot += static_cast<double>(q[i][qOffset + size(d)]) * k[j][kvOffset + size(d)];
                    }
                    double score = dot * c.queryScale;
                    if (c.attnSoftcap > 0.0) {
                        score = std::tanh(score / c.attnSoftcap) * c.attnSoftcap;
                    }
                    scores[j] = score;
                    best = std::max(best, score);
                }
                double total = 0.0;
                for (auto& score : scores) {
                    score = std::isinf(score) ? 0.0 : std::exp(score - best);
                    total += score;
                }
                for (int d = 0; d < c.headDim; ++d) {
                    double sum = 0.0;
                    for (std::size_t j = 0; j <= i; ++j) {
                        sum += scores[j] / total * v[j][kvOffset + size(d)];
                    }
                    attended[i][qOffset + size(d)] = static_cast<float>(sum);
                }
            }
        }
        Matrix attention = linear(attended, weight(prefix + "self_attn.o_proj.weight", {hidden, qWidth}).values,
                                  size(hidden), bias("self_attn.o_proj.bias", hidden, c.outputBias));
        if (gemma) {
            rmsNorm(attention, weight(prefix + "post_attention_layernorm.weight", {hidden}).values, c.rmsNormEps, true);
        }
        addInto(x, attention);

        normed = x;
        rmsNorm(
            normed,
            weight(prefix + (gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), {hidden})
                .values,
            c.rmsNormEps, gemma);
        Matrix gate, up;
        if (c.family == ReferenceFamily::Phi3) {
            // gate_up_proj rows: gate half first (modeling_phi3.Phi3MLP: gate, up = chunk(2)).
            const Matrix gateUp = linear(normed, weight(prefix + "mlp.gate_up_proj.weight", {2 * inter, hidden}).values,
                                         size(2 * inter), nullptr);
            gate = sliceColumns(gateUp, 0, size(inter));
            up = sliceColumns(gateUp, size(inter), size(inter));
        } else {
            gate = linear(normed, weight(prefix + "mlp.gate_proj.weight", {inter, hidden}).values, size(inter),
                          bias("mlp.gate_proj.bias", inter, c.mlpBias));
            up = linear(normed, weight(prefix + "mlp.up_proj.weight", {inter, hidden}).values, size(inter),
                        bias("mlp.up_proj.bias", inter, c.mlpBias));
        }
        for (std::size_t p = 0; p < gate.size(); ++p) {
            for (std::size_t i = 0; i < gate[p].size(); ++i) {
                gate[p][i] = static_cast<float>(
                    (gemma ? (m_gelu == Gelu::Exact ? geluTanh(gate[p][i]) : geluGgmlTable(gate[p][i]))
                           : silu(gate[p][i])) *
                    up[p][i]);
            }
        }
        Matrix mlp = linear(gate, weight(prefix + "mlp.down_proj.weight", {hidden, inter}).values, size(hidden),
                            bias("mlp.down_proj.bias", hidden, c.mlpBias));
        if (gemma) {
            rmsNorm(mlp, weight(prefix + "post_feedforward_layernorm.weight", {hidden}).values, c.rmsNormEps, true);
        }
        addInto(x, mlp);
    }

    Matrix last{x.back()};
    rmsNorm(last, weight("model.norm.weight", {hidden}).values, c.rmsNormEps, gemma);
    const Weight& head = c.tiedEmbeddings ? embed : weight("lm_head.weight", {c.vocabSize, hidden});
    std::vector<float> logits = linear(last, head.values, size(c.vocabSize), nullptr)[0];
    if (c.finalSoftcap > 0.0) {
        for (auto& logit : logits) {
            logit = static_cast<float>(std::tanh(logit / c.finalSoftcap) * c.finalSoftcap);
        }
    }
    return logits;
}

} // namespace deepext::test
