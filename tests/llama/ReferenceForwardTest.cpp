// The reference forward pass on cases small enough to derive by hand: one layer, weights that are zero, identity
// or a single picked entry, so each expected logit is a short closed-form expression of the transformers maths.
#include "ReferenceForward.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/merge/Dtype.h"
#include "deepext/merge/SafeTensorsWriter.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <numbers>

using deepext::test::ReferenceConfig;
using deepext::test::ReferenceForward;
using Json = nlohmann::json;

namespace {

struct Tensor
{
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};
using Tensors = std::map<std::string, Tensor>;

Tensor zeros(std::vector<std::int64_t> shape)
{
    std::size_t count = 1;
    for (const auto d : shape) {
        count *= static_cast<std::size_t>(d);
    }
    return {std::move(shape), std::vector<float>(count, 0.0f)};
}

Tensor identity(std::int64_t n)
{
    Tensor t = zeros({n, n});
    for (std::int64_t i = 0; i < n; ++i) {
        t.values[static_cast<std::size_t>(i * n + i)] = 1.0f;
    }
    return t;
}

Tensor ones(std::int64_t n)
{
    return {{n}, std::vector<float>(static_cast<std::size_t>(n), 1.0f)};
}

// A one-layer model folder: config.json and an F32 model.safetensors, written for real.
std::string writeModel(const QTemporaryDir& dir, const Json& config, const Tensors& tensors)
{
    const std::string path = dir.path().toStdString();
    deepext::writeFileAtomically(path + "/config.json", config.dump());
    std::vector<deepext::TensorBlob> blobs;
    for (const auto& [name, tensor] : tensors) {
        deepext::TensorBlob blob{{name, deepext::Dtype::F32, tensor.shape}, {}};
        blob.bytes.resize(tensor.values.size() * 4);
        std::memcpy(blob.bytes.data(), tensor.values.data(), blob.bytes.size());
        blobs.push_back(std::move(blob));
    }
    deepext::writeSafeTensorsFile(path + "/model.safetensors", blobs);
    return path;
}

Json llamaConfig(int hidden, int heads, int kvHeads, int headDim, int inter, int vocab)
{
    return {{"architectures", {"LlamaForCausalLM"}},
            {"hidden_size", hidden},
            {"num_hidden_layers", 1},
            {"num_attention_heads", heads},
            {"num_key_value_heads", kvHeads},
            {"head_dim", headDim},
            {"intermediate_size", inter},
            {"vocab_size", vocab},
            {"rms_norm_eps", 1e-6},
            {"rope_theta", 10000.0},
            {"tie_word_embeddings", false}};
}

// Every tensor of a one-layer Llama, all zero except norms (ones); callers overwrite what they test.
Tensors llamaZeros(std::int64_t hidden, std::int64_t heads, std::int64_t kvHeads, std::int64_t headDim,
                   std::int64_t inter, std::int64_t vocab)
{
    const std::string p = "model.layers.0.";
    return {{"model.embed_tokens.weight", zeros({vocab, hidden})},
            {p + "input_layernorm.weight", ones(hidden)},
            {p + "post_attention_layernorm.weight", ones(hidden)},
            {p + "self_attn.q_proj.weight", zeros({heads * headDim, hidden})},
            {p + "self_attn.k_proj.weight", zeros({kvHeads * headDim, hidden})},
            {p + "self_attn.v_proj.weight", zeros({kvHeads * headDim, hidden})},
            {p + "self_attn.o_proj.weight", zeros({hidden, heads * headDim})},
            {p + "mlp.gate_proj.weight", zeros({inter, hidden})},
            {p + "mlp.up_proj.weight", zeros({inter, hidden})},
            {p + "mlp.down_proj.weight", zeros({hidden, inter})},
            {"model.norm.weight", ones(hidden)},
            {"lm_head.weight", zeros({vocab, hidden})}};
}

// RMSNorm with unit weight, as the tests derive it by hand.
std::vector<double> rms(const std::vector<double>& x, double eps)
{
    double squares = 0.0;
    for (const double v : x) {
        squares += v * v;
    }
    const double r = std::sqrt(squares / static_cast<double>(x.size()) + eps);
    std::vector<double> y;
    for (const double v : x) {
        y.push_back(v / r);
    }
    return y;
}

void expectLogits(const std::vector<float>& actual, const std::vector<double>& expected)
{
    ASSERT_EQ(actual.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_NEAR(actual[i], expected[i], 1e-5) << "logit " << i;
    }
}

} // namespace

// Zero attention and MLP: the residual stream is the embedding, so logits = lm_head · RMSNorm(embedding), whatever
// came before the last token.
TEST(ReferenceForward, ResidualOnly_LogitsAreHeadTimesNormedEmbedding)
{
    QTemporaryDir dir;
    Tensors t = llamaZeros(4, 2, 1, 2, 2, 3);
    t["model.embed_tokens.weight"].values = {1, 2, 3, 4, /**/ 0, 0, 1, 0, /**/ -1, 0, 0, 0};
    t["lm_head.weight"].values = {1, 0, 0, 0, /**/ 0, 1, 0, 0, /**/ 0, 0, 0, 1};
    const auto model = ReferenceForward::load(writeModel(dir, llamaConfig(4, 2, 1, 2, 2, 3), t));

    const double r = std::sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6);
    expectLogits(model.nextTokenLogits({0}), {1 / r, 2 / r, 4 / r});
    expectLogits(model.nextTokenLogits({2, 1, 0}), {1 / r, 2 / r, 4 / r});
}

// One token: softmax over one key is 1, so attention returns v = Wv · RMSNorm(x); both query heads read the one
// KV head (GQA), o_proj is the identity: x' = x + [n0, n1, n0, n1].
TEST(ReferenceForward, SingleToken_AttentionReturnsValueToEveryHeadOfTheGroup)
{
    QTemporaryDir dir;
    Tensors t = llamaZeros(4, 2, 1, 2, 2, 4);
    t["model.embed_tokens.weight"].values = {1, 2, 3, 4, /**/ 0, 0, 0, 0, /**/ 0, 0, 0, 0, /**/ 0, 0, 0, 0};
    t["model.layers.0.self_attn.v_proj.weight"].values = {1, 0, 0, 0, /**/ 0, 1, 0, 0};
    t["model.layers.0.self_attn.o_proj.weight"] = identity(4);
    t["lm_head.weight"] = identity(4);
    const auto model = ReferenceForward::load(writeModel(dir, llamaConfig(4, 2, 1, 2, 2, 4), t));

    const auto n = rms({1, 2, 3, 4}, 1e-6);
    const auto expected = rms({1 + n[0], 2 + n[1], 3 + n[0], 4 + n[1]}, 1e-6);
    expectLogits(model.nextTokenLogits({0}), expected);
}

// Two tokens, head_dim 4: RoPE pairs dim i with i + 2 (rotate_half), and position 1 turns pair 0 by 1 radian
// (inv_freq[0] = theta^0). Token A = e0 at position 1 queries token C = e2 at position 0:
// q = [a cos1, 0, a sin1, 0], k_C = [0, 0, a, 0], k_A = q, so the scores are a² sin1 / 2 and a² / 2.
TEST(ReferenceForward, TwoTokens_RotateHalfRopeAndCausalSoftmax)
{
    QTemporaryDir dir;
    Tensors t = llamaZeros(4, 1, 1, 4, 2, 4);
    t["model.embed_tokens.weight"] = identity(4);
    t["model.layers.0.self_attn.q_proj.weight"] = identity(4);
    t["model.layers.0.self_attn.k_proj.weight"] = identity(4);
    t["model.layers.0.self_attn.v_proj.weight"] = identity(4);
    t["model.layers.0.self_attn.o_proj.weight"] = identity(4);
    t["lm_head.weight"] = identity(4);
    const auto model = ReferenceForward::load(writeModel(dir, llamaConfig(4, 1, 1, 4, 2, 4), t));

    const double a = 1.0 / std::sqrt(0.25 + 1e-6); // RMSNorm of a one-hot row of 4
    const double scoreC = a * a * std::sin(1.0) / 2.0;
    const double scoreA = a * a / 2.0;
    const double wC = std::exp(scoreC) / (std::exp(scoreC) + std::exp(scoreA));
    const double wA = 1.0 - wC;
    // attention output = wC v_C + wA v_A = [wA a, 0, wC a, 0]; x = e0 + that
    expectLogits(model.nextTokenLogits({2, 0}), rms({1 + wA * a, 0, wC * a, 0}, 1e-6));
    // The first token sees only itself.
    expectLogits(model.nextTokenLogits({0}), rms({1 + a, 0, 0, 0}, 1e-6));
}

// SwiGLU: down(silu(gate · n) * (up · n)).
TEST(ReferenceForward, Mlp_IsSiluGateTimesUp)
{
    QTemporaryDir dir;
    Tensors t = llamaZeros(2, 1, 1, 2, 1, 2);
    t["model.embed_tokens.weight"].values = {1, 3, /**/ 0, 0};
    t["model.layers.0.mlp.gate_proj.weight"].values = {1, 0};
    t["model.layers.0.mlp.up_proj.weight"].values = {0, 1};
    t["model.layers.0.mlp.down_proj.weight"].values = {1, 0};
    t["lm_head.weight"] = identity(2);
    const auto model = ReferenceForward::load(writeModel(dir, llamaConfig(2, 1, 1, 2, 1, 2), t));

    const auto n = rms({1, 3}, 1e-6);
    const double silu = n[0] / (1 + std::exp(-n[0]));
    expectLogits(model.nextTokenLogits({0}), rms({1 + silu * n[1], 3}, 1e-6));
}

// Qwen2: q/k/v always carry biases; with zero weights the single-token attention output is the v bias.
TEST(ReferenceForward, Qwen2_ValueBiasReachesTheResidual)
{
    QTemporaryDir dir;
    Tensors t = llamaZeros(4, 2, 1, 2, 2, 4);
    t["model.embed_tokens.weight"] = identity(4);
    t["model.layers.0.self_attn.q_proj.bias"] = zeros({4});
    t["model.layers.0.self_attn.k_proj.bias"] = zeros({2});
    t["model.layers.0.self_attn.v_proj.bias"] = {{2}, {0.5f, -2.0f}};
    t["model.layers.0.self_attn.o_proj.weight"] = identity(4);
    t["lm_head.weight"] = identity(4);
    Json config = llamaConfig(4, 2, 1, 2, 2, 4);
    config["architectures"] = {"Qwen2ForCausalLM"};
    const auto model = ReferenceForward::load(writeModel(dir, config, t));
    expectLogits(model.nextTokenLogits({1}), rms({0.5, 1 - 2.0, 0.5, -2.0}, 1e-6));

    // Without the biases the checkpoint is not a Qwen2 model.
    QTemporaryDir other;
    t.erase("model.layers.0.self_attn.v_proj.bias");
    const auto broken = ReferenceForward::load(writeModel(other, config, t));
    EXPECT_THROW(broken.nextTokenLogits({1}), deepext::Error);
}

// Gemma 2: embeddings × sqrt(hidden), RMSNorm × (1 + w), GELU-tanh MLP, post-feedforward norm, tied head, final
// soft-capping cap · tanh(logit / cap).
TEST(ReferenceForward, Gemma2_ScaledEmbeddingOnePlusNormGeluAndSoftcap)
{
    QTemporaryDir dir;
    const std::string p = "model.layers.0.";
    // A small input row, so the MLP's direction (which GELU shapes) dominates the residual; a large head row.
    Tensors t{{"model.embed_tokens.weight", {{2, 2}, {0.3f, -0.1f, /**/ 5, 5}}},
              {p + "input_layernorm.weight", zeros({2})},
              {p + "post_attention_layernorm.weight", zeros({2})},
              {p + "pre_feedforward_layernorm.weight", {{2}, {0.5f, 0.0f}}}, // scales n0 by 1.5
              {p + "post_feedforward_layernorm.weight", zeros({2})},
              {p + "self_attn.q_proj.weight", zeros({2, 2})},
              {p + "self_attn.k_proj.weight", zeros({2, 2})},
              {p + "self_attn.v_proj.weight", zeros({2, 2})},
              {p + "self_attn.o_proj.weight", zeros({2, 2})},
              {p + "mlp.gate_proj.weight", identity(2)},
              {p + "mlp.up_proj.weight", {{2, 2}, {0, 1, /**/ 1, 0}}},
              {p + "mlp.down_proj.weight", identity(2)},
              {"model.norm.weight", zeros({2})}};
    const Json config = {{"architectures", {"Gemma2ForCausalLM"}},
                         {"hidden_size", 2},
                         {"num_hidden_layers", 1},
                         {"num_attention_heads", 1},
                         {"num_key_value_heads", 1},
                         {"head_dim", 2},
                         {"intermediate_size", 2},
                         {"vocab_size", 2},
                         {"rms_norm_eps", 1e-6},
                         {"query_pre_attn_scalar", 2},
                         {"sliding_window", 4},
                         {"attn_logit_softcapping", 50.0},
                         {"final_logit_softcapping", 30.0},
                         {"hidden_activation", "gelu_pytorch_tanh"}};
    const auto model = ReferenceForward::load(writeModel(dir, config, t));

    const double s = std::sqrt(2.0);
    const std::vector<double> x{0.3f * s, -0.1f * s};
    auto n = rms(x, 1e-6);
    n[0] *= 1.5;
    const auto gelu = [](double g) {
        return 0.5 * g * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (g + 0.044715 * g * g * g)));
    };
    // gate = n, up = n swapped: [gelu(n0) n1, gelu(n1) n0], then post_feedforward_layernorm (1 + 0)
    const auto mlp = rms({gelu(n[0]) * n[1], gelu(n[1]) * n[0]}, 1e-6);
    const auto h = rms({x[0] + mlp[0], x[1] + mlp[1]}, 1e-6);
    const std::vector<double> raw{h[0] * 0.3f + h[1] * -0.1f, h[0] * 5 + h[1] * 5}; // tied: the embedding rows
    expectLogits(model.nextTokenLogits({0}), {30 * std::tanh(raw[0] / 30), 30 * std::tanh(raw[1] / 30)});

    // llama.cpp's CPU GELU: the input rounded to fp16, the tabled result rounded to fp16 (ggml-cpu/vec.h).
    auto ggmlLike = ReferenceForward::load(dir.path().toStdString());
    ggmlLike.setGelu(ReferenceForward::Gelu::GgmlCpuTable);
    const auto half = [](double v) { return deepext::f16ToFloat(deepext::floatToF16(static_cast<float>(v))); };
    const auto tabled = [&half](double g) {
        const float g16 = half(g);
        return half(0.5f * g16 * (1.0f + std::tanh(0.7978845608f * g16 * (1.0f + 0.044715f * g16 * g16))));
    };
    const auto mlp16 = rms({tabled(n[0]) * n[1], tabled(n[1]) * n[0]}, 1e-6);
    const auto h16 = rms({x[0] + mlp16[0], x[1] + mlp16[1]}, 1e-6);
    const std::vector<double> raw16{h16[0] * 0.3f + h16[1] * -0.1f, h16[0] * 5 + h16[1] * 5};
    expectLogits(ggmlLike.nextTokenLogits({0}), {30 * std::tanh(raw16[0] / 30), 30 * std::tanh(raw16[1] / 30)});
    // ... and the difference is larger than the tolerance, so the two expectations cannot both hold by accident.
    EXPECT_GT(std::abs(ggmlLike.nextTokenLogits({0})[1] - model.nextTokenLogits({0})[1]), 3e-5);
}

// Gemma 2 slides on layer 0: with a window of 1 every query sees only itself, so what came before cannot change
// the logits; with a window of 2 it does.
TEST(ReferenceForward, Gemma2_SlidingWindowOnLayerZeroHidesEarlierTokens)
{
    const auto build = [](const QTemporaryDir& dir, int window) {
        const std::string p = "model.layers.0.";
        Tensors t{{"model.embed_tokens.weight", {{3, 4}, {1, 0, 0, 2, /**/ 0, 1, 3, 0, /**/ 2, 0, 1, 1}}},
                  {p + "input_layernorm.weight", zeros({4})},
                  {p + "post_attention_layernorm.weight", zeros({4})},
                  {p + "pre_feedforward_layernorm.weight", zeros({4})},
                  {p + "post_feedforward_layernorm.weight", zeros({4})},
                  {p + "self_attn.q_proj.weight", identity(4)},
                  {p + "self_attn.k_proj.weight", identity(4)},
                  {p + "self_attn.v_proj.weight", identity(4)},
                  {p + "self_attn.o_proj.weight", identity(4)},
                  {p + "mlp.gate_proj.weight", zeros({2, 4})},
                  {p + "mlp.up_proj.weight", zeros({2, 4})},
                  {p + "mlp.down_proj.weight", zeros({4, 2})},
                  {"model.norm.weight", zeros({4})}};
        const Json config = {{"architectures", {"Gemma2ForCausalLM"}},
                             {"hidden_size", 4},
                             {"num_hidden_layers", 1},
                             {"num_attention_heads", 1},
                             {"num_key_value_heads", 1},
                             {"head_dim", 4},
                             {"intermediate_size", 2},
                             {"vocab_size", 3},
                             {"query_pre_attn_scalar", 4},
                             {"sliding_window", window}};
        return ReferenceForward::load(writeModel(dir, config, t));
    };
    QTemporaryDir narrowDir, wideDir;
    const auto narrow = build(narrowDir, 1);
    const auto wide = build(wideDir, 2);
    const auto alone = narrow.nextTokenLogits({2});
    const auto afterOthers = narrow.nextTokenLogits({0, 1, 2});
    for (std::size_t i = 0; i < alone.size(); ++i) {
        EXPECT_NEAR(alone[i], afterOthers[i], 1e-6);
    }
    EXPECT_GT(std::abs(wide.nextTokenLogits({0, 1, 2})[0] - alone[0]), 1e-3);
}

// Phi3 fuses q|k|v and gate|up: the first half of gate_up_proj is the gate (silu(n0) · n1, not silu(n1) · n0).
TEST(ReferenceForward, Phi3_FusedProjectionsSplitInTransformersOrder)
{
    QTemporaryDir dir;
    const std::string p = "model.layers.0.";
    Tensor qkv = zeros({6, 2});   // q: 2 rows, k: 2 rows, v: 2 rows (1 head of 2 dims, 1 KV head)
    qkv.values[4 * 2 + 0] = 1.0f; // v row 0 picks n0
    Tensors t{{"model.embed_tokens.weight", {{2, 2}, {1, 3, /**/ 0, 0}}},
              {p + "input_layernorm.weight", ones(2)},
              {p + "post_attention_layernorm.weight", ones(2)},
              {p + "self_attn.qkv_proj.weight", qkv},
              {p + "self_attn.o_proj.weight", identity(2)},
              {p + "mlp.gate_up_proj.weight", {{2, 2}, {1, 0, /**/ 0, 1}}},
              {p + "mlp.down_proj.weight", {{2, 1}, {0, 1}}},
              {"model.norm.weight", ones(2)},
              {"lm_head.weight", identity(2)}};
    const Json config = {{"architectures", {"Phi3ForCausalLM"}},
                         {"hidden_size", 2},
                         {"num_hidden_layers", 1},
                         {"num_attention_heads", 1},
                         {"num_key_value_heads", 1},
                         {"intermediate_size", 1},
                         {"vocab_size", 2},
                         {"rms_norm_eps", 1e-5},
                         {"original_max_position_embeddings", 4096}};
    const auto model = ReferenceForward::load(writeModel(dir, config, t));

    const auto n1 = rms({1, 3}, 1e-5);
    const std::vector<double> x{1 + n1[0], 3}; // attention adds v = [n0, 0]
    const auto n2 = rms(x, 1e-5);
    const double mlp = n2[0] / (1 + std::exp(-n2[0])) * n2[1];
    expectLogits(model.nextTokenLogits({0}), rms({x[0], x[1] + mlp}, 1e-5));
}

// Qwen3 normalises every query and key head before RoPE, so scaling q_proj changes nothing, while it does change a
// Llama model of the same weights.
TEST(ReferenceForward, Qwen3_QueryNormMakesQueryScaleIrrelevant)
{
    const auto build = [](const QTemporaryDir& dir, const std::string& architecture, float qScale) {
        Tensors t = llamaZeros(4, 2, 1, 4, 2, 4);
        const std::string p = "model.layers.0.";
        t["model.embed_tokens.weight"].values = {1, 0, 2, 0, /**/ 0, 1, 0, 3, /**/ 2, 2, 0, 1, /**/ 1, 1, 1, 0};
        t[p + "self_attn.q_proj.weight"] = zeros({8, 4});
        for (std::size_t i = 0; i < 8; ++i) {
            t[p + "self_attn.q_proj.weight"].values[i * 4 + i % 4] = qScale * (i < 4 ? 1.0f : -0.5f);
        }
        t[p + "self_attn.k_proj.weight"] = identity(4);
        t[p + "self_attn.v_proj.weight"] = identity(4);
        t[p + "self_attn.o_proj.weight"] = zeros({4, 8});
        for (std::size_t i = 0; i < 4; ++i) {
            t[p + "self_attn.o_proj.weight"].values[i * 8 + i] = 1.0f;
        }
        t[p + "self_attn.q_norm.weight"] = ones(4);
        t[p + "self_attn.k_norm.weight"] = ones(4);
        t["lm_head.weight"] = identity(4);
        Json config = llamaConfig(4, 2, 1, 4, 2, 4);
        config["architectures"] = {architecture};
        if (architecture == "LlamaForCausalLM") {
            t.erase(p + "self_attn.q_norm.weight");
            t.erase(p + "self_attn.k_norm.weight");
        }
        return ReferenceForward::load(writeModel(dir, config, t)).nextTokenLogits({0, 1, 2, 3});
    };
    QTemporaryDir a, b, c, d;
    const auto qwen1 = build(a, "Qwen3ForCausalLM", 1.0f);
    const auto qwen5 = build(b, "Qwen3ForCausalLM", 5.0f);
    for (std::size_t i = 0; i < qwen1.size(); ++i) {
        EXPECT_NEAR(qwen1[i], qwen5[i], 1e-5);
    }
    const auto llama1 = build(c, "LlamaForCausalLM", 1.0f);
    const auto llama5 = build(d, "LlamaForCausalLM", 5.0f);
    EXPECT_GT(std::abs(llama1[0] - llama5[0]) + std::abs(llama1[3] - llama5[3]), 1e-3);
}

// Llama 3.1's rope_scaling at the three wavelength regimes (head_dim 16, theta 10000, original context 256,
// low/high frequency factors 1/4, factor 8): wavelength < 64 keeps the frequency, > 256 divides it by 8, between
// them it blends with s = (256 / wavelength - 1) / 3.
TEST(ReferenceForward, Llama3RopeScaling_ThreeRegimes)
{
    Json config = llamaConfig(64, 4, 2, 16, 128, 10);
    config["rope_scaling"] = {{"rope_type", "llama3"},
                              {"factor", 8.0},
                              {"low_freq_factor", 1.0},
                              {"high_freq_factor", 4.0},
                              {"original_max_position_embeddings", 256}};
    const auto frequencies = deepext::test::ropeInverseFrequencies(ReferenceConfig::fromJson(config));
    ASSERT_EQ(frequencies.size(), 8u);
    EXPECT_DOUBLE_EQ(frequencies[0], 1.0);                        // wavelength 2π
    EXPECT_NEAR(frequencies[2], std::pow(10000.0, -0.25), 1e-12); // 62.8 < 64: kept
    const double f3 = std::pow(10000.0, -0.375);                  // wavelength 198.7: blended
    const double s = (256.0 / (2 * std::numbers::pi / f3) - 1.0) / 3.0;
    EXPECT_NEAR(frequencies[3], (1 - s) * f3 / 8 + s * f3, 1e-12);
    EXPECT_NEAR(frequencies[4], 0.01 / 8, 1e-12); // wavelength 628 > 256: divided

    config["rope_scaling"] = {{"type", "linear"}, {"factor", 4.0}};
    EXPECT_NEAR(deepext::test::ropeInverseFrequencies(ReferenceConfig::fromJson(config))[4], 0.01 / 4, 1e-12);
}

TEST(ReferenceForward, RefusesWhatItDoesNotCompute)
{
    Json config = llamaConfig(4, 2, 1, 2, 2, 3);
    config["architectures"] = {"GPT2LMHeadModel"};
    EXPECT_THROW(ReferenceConfig::fromJson(config), deepext::Error);
    config = llamaConfig(4, 2, 1, 2, 2, 3);
    config["rope_scaling"] = {{"rope_type", "longrope"}, {"factor", 2.0}};
    EXPECT_THROW(ReferenceConfig::fromJson(config), deepext::Error);

    QTemporaryDir dir;
    Tensors t = llamaZeros(4, 2, 1, 2, 2, 3);
    t["model.layers.0.self_attn.k_proj.weight"] = zeros({4, 4}); // two KV heads' worth: not this config
    const auto model = ReferenceForward::load(writeModel(dir, llamaConfig(4, 2, 1, 2, 2, 3), t));
    try {
        model.nextTokenLogits({0});
        FAIL() << "a mis-shaped tensor was accepted";
    } catch (const deepext::Error& error) {
        EXPECT_NE(std::string(error.message()).find("model.layers.0.self_attn.k_proj.weight"), std::string::npos);
    }
    EXPECT_THROW(model.nextTokenLogits({3}), deepext::Error); // outside the vocabulary
}
