// The exporter on tiny generated models of every architecture: tensor names, types and bytes, every metadata key
// with its exact type, the Q/K permutation, RoPE factors, Gemma's norms, and the refusals and clean-up paths.
#include "deepext/gguf/GgufExporter.h"

#include "GgufReferences.h"
#include "GgufTestSupport.h"
#include "TinyModel.h"
#include "deepext/base/Error.h"
#include "deepext/base/Sha256.h"
#include "deepext/gguf/GgufArchitecture.h"
#include "deepext/gguf/GgufReader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <numbers>
#include <set>

using namespace deepext::gguf;
using namespace deepext::test;
using ::testing::HasSubstr;

namespace {

GgufMetadata tokenizerKeys(std::uint64_t vocab)
{
    GgufMetadata metadata;
    metadata.set("tokenizer.ggml.model", GgufValue::string("gpt2"));
    std::vector<std::string> tokens;
    for (std::uint64_t i = 0; i < vocab; ++i) {
        tokens.push_back("t" + std::to_string(i));
    }
    metadata.set("tokenizer.ggml.tokens", GgufValue::stringArray(tokens));
    metadata.set("tokenizer.ggml.bos_token_id", GgufValue::uint32(1));
    return metadata;
}

class GgufExport : public ::testing::Test
{
protected:
    std::filesystem::path modelDir(const std::string& name = "tiny-model") const { return m_dir.path() / name; }
    std::string output(const std::string& name = "out.gguf") const
    {
        std::filesystem::create_directories(m_dir.path() / "out");
        return (m_dir.path() / "out" / name).string();
    }
    std::vector<std::string> outputEntries() const
    {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(m_dir.path() / "out")) {
            names.push_back(entry.path().filename().string());
        }
        return names;
    }

    GgufExportResult exportTiny(const TinyModelSpec& spec, GgufExportType type, const std::string& name = "tiny-model")
    {
        m_values = writeTinyModel(modelDir(name), spec);
        return run(modelDir(name).string(), type, spec.vocab);
    }

    GgufExportResult run(const std::string& model, GgufExportType type, std::uint64_t vocab,
                         const deepext::MergeProgressCallback& progress = {}, bool force = false)
    {
        GgufExportRequest request;
        request.modelDirectory = model;
        request.outputPath = output();
        request.type = type;
        request.threads = 2;
        request.force = force;
        request.tokenizerMetadata = tokenizerKeys(vocab);
        std::atomic_bool cancel{false};
        return GgufExporter::exportModel(request, progress, cancel);
    }

    std::string errorOf(const std::function<void()>& action)
    {
        try {
            action();
        } catch (const deepext::Error& error) {
            return error.message();
        }
        return "(no error)";
    }

    std::vector<float> stored(const std::string& name) const { return m_values.at(name); }

    GgufTempDir m_dir;
    std::map<std::string, std::vector<float>> m_values;
};

std::set<std::string> tensorNames(const GgufReader& reader)
{
    std::set<std::string> names;
    for (const GgufTensorInfo& tensor : reader.tensors()) {
        names.insert(tensor.name);
    }
    return names;
}

std::set<std::string> layerNames(std::uint64_t layers, const std::vector<std::string>& suffixes)
{
    std::set<std::string> names;
    for (std::uint64_t i = 0; i < layers; ++i) {
        for (const std::string& suffix : suffixes) {
            names.insert("blk." + std::to_string(i) + "." + suffix);
        }
    }
    return names;
}

// LlamaModel.permute simulated with explicit 4-D indices: [rows, C] viewed as [H, 2, rows / H / 2, C], axes 1 and 2
// swapped, flattened back.
std::vector<float> permuted(const std::vector<float>& source, std::uint64_t rows, std::uint64_t cols,
                            std::uint64_t heads)
{
    const std::uint64_t half = rows / heads / 2;
    std::vector<float> out(source.size());
    for (std::uint64_t h = 0; h < heads; ++h) {
        for (std::uint64_t a = 0; a < 2; ++a) {
            for (std::uint64_t b = 0; b < half; ++b) {
                for (std::uint64_t c = 0; c < cols; ++c) {
                    const std::uint64_t from = ((h * 2 + a) * half + b) * cols + c;
                    const std::uint64_t to = ((h * half + b) * 2 + a) * cols + c;
                    out[to] = source[from];
                }
            }
        }
    }
    return out;
}

std::vector<std::uint16_t> halves(const std::vector<std::uint8_t>& bytes)
{
    std::vector<std::uint16_t> out(bytes.size() / 2);
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
}

std::vector<std::uint16_t> asBf16(const std::vector<float>& values)
{
    std::vector<std::uint16_t> out;
    for (const float v : values) {
        out.push_back(referenceBf16(v));
    }
    return out;
}

TEST_F(GgufExport, Llama_NamesTypesKeysAndBytes)
{
    TinyModelSpec spec;
    const GgufExportResult result = exportTiny(spec, GgufExportType::Auto);
    EXPECT_EQ(result.type, "bf16");
    EXPECT_EQ(result.fileType, 32u);
    EXPECT_EQ(result.architecture, "llama");
    const GgufReader reader = GgufReader::open(result.path);
    EXPECT_EQ(result.size, reader.fileSize());
    EXPECT_EQ(result.sha256, deepext::Sha256::ofFile(result.path));

    std::set<std::string> expected = {"token_embd.weight", "output_norm.weight", "output.weight"};
    const std::set<std::string> layers =
        layerNames(2, {"attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight",
                       "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"});
    expected.insert(layers.begin(), layers.end());
    EXPECT_EQ(tensorNames(reader), expected);
    EXPECT_EQ(result.tensorCount, expected.size());
    for (const GgufTensorInfo& tensor : reader.tensors()) {
        const bool norm = tensor.name.find("norm") != std::string::npos;
        EXPECT_EQ(tensor.type, norm ? GgmlType::F32 : GgmlType::BF16) << tensor.name;
    }
    EXPECT_EQ(reader.findTensor("token_embd.weight")->ne, (std::vector<std::uint64_t>{64, 128}));
    EXPECT_EQ(reader.findTensor("blk.1.ffn_down.weight")->ne, (std::vector<std::uint64_t>{96, 64}));

    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.entries()[0].key, "general.architecture");
    EXPECT_EQ(m.find("general.architecture")->asString(), "llama");
    EXPECT_EQ(m.find("general.type")->asString(), "model");
    EXPECT_EQ(m.find("general.name")->asString(), "tiny-model");
    EXPECT_EQ(m.find("general.size_label")->asString(), "78K"); // 78,144 parameters
    EXPECT_EQ(m.find("general.file_type")->asUInt32(), 32u);
    EXPECT_EQ(m.find("general.quantization_version")->asUInt32(), 2u);
    EXPECT_EQ(m.find("llama.block_count")->asUInt32(), 2u);
    EXPECT_EQ(m.find("llama.context_length")->asUInt32(), 512u);
    EXPECT_EQ(m.find("llama.embedding_length")->asUInt32(), 64u);
    EXPECT_EQ(m.find("llama.feed_forward_length")->asUInt32(), 96u);
    EXPECT_EQ(m.find("llama.attention.head_count")->asUInt32(), 4u);
    EXPECT_EQ(m.find("llama.attention.head_count_kv")->asUInt32(), 2u);
    EXPECT_EQ(m.find("llama.rope.freq_base")->asFloat32(), 10000.0f);
    EXPECT_EQ(m.find("llama.attention.layer_norm_rms_epsilon")->asFloat32(), 1e-6f);
    EXPECT_EQ(m.find("llama.vocab_size")->asUInt32(), 128u);
    EXPECT_EQ(m.find("llama.rope.dimension_count")->asUInt32(), 16u);
    EXPECT_FALSE(m.contains("llama.attention.key_length")); // config.json has no head_dim
    EXPECT_FALSE(m.contains("general.alignment"));
    EXPECT_FALSE(m.contains("llama.rope.scaling.type"));
    EXPECT_EQ(m.find("tokenizer.ggml.model")->asString(), "gpt2");
    EXPECT_EQ(m.find("tokenizer.ggml.tokens")->arraySize(), 128u);

    // Untouched weights are the source's bf16 bits; q and k rows are permuted per head (q: 4 heads, k: 2).
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.0.attn_v.weight"))),
              asBf16(stored("model.layers.0.self_attn.v_proj.weight")));
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.1.attn_q.weight"))),
              asBf16(permuted(stored("model.layers.1.self_attn.q_proj.weight"), 64, 64, 4)));
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.1.attn_k.weight"))),
              asBf16(permuted(stored("model.layers.1.self_attn.k_proj.weight"), 32, 64, 2)));
    EXPECT_NE(stored("model.layers.1.self_attn.q_proj.weight"),
              permuted(stored("model.layers.1.self_attn.q_proj.weight"), 64, 64, 4));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.0.attn_norm.weight")),
              stored("model.layers.0.input_layernorm.weight"));
    EXPECT_EQ(outputEntries(), std::vector<std::string>{"out.gguf"});
}

TEST_F(GgufExport, Mistral_IsLlamaWithItsHeadDim)
{
    TinyModelSpec spec;
    spec.architecture = "MistralForCausalLM";
    spec.headDim = 32; // Nemo-style: heads * head_dim (128) is not hidden_size (64)
    spec.extraConfig = {{"sliding_window", nullptr}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.find("general.architecture")->asString(), "llama");
    EXPECT_EQ(m.find("llama.attention.key_length")->asUInt32(), 32u);
    EXPECT_EQ(m.find("llama.attention.value_length")->asUInt32(), 32u);
    EXPECT_EQ(m.find("llama.rope.dimension_count")->asUInt32(), 32u);
    EXPECT_EQ(reader.findTensor("blk.0.attn_q.weight")->ne, (std::vector<std::uint64_t>{64, 128}));
    EXPECT_EQ(reader.findTensor("blk.0.attn_output.weight")->ne, (std::vector<std::uint64_t>{128, 64}));
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.0.attn_q.weight"))),
              asBf16(permuted(stored("model.layers.0.self_attn.q_proj.weight"), 128, 64, 4)));
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.0.attn_k.weight"))),
              asBf16(permuted(stored("model.layers.0.self_attn.k_proj.weight"), 64, 64, 2)));
}

TEST_F(GgufExport, Q8_0_QuantizesEveryWeightAsTheReference)
{
    TinyModelSpec spec;
    spec.qkvBias = true; // llama's optional biases: F32, permuted like their weights
    const GgufExportResult result = exportTiny(spec, GgufExportType::Q8_0);
    EXPECT_EQ(result.type, "q8_0");
    EXPECT_EQ(result.fileType, 7u);
    const GgufReader reader = GgufReader::open(result.path);
    EXPECT_EQ(reader.metadata().find("general.file_type")->asUInt32(), 7u);
    const auto quantized = [](const std::vector<float>& values) {
        std::vector<std::uint8_t> out;
        for (std::size_t b = 0; b < values.size() / 32; ++b) {
            const std::vector<std::uint8_t> block = referenceQ8Block(values.data() + 32 * b);
            out.insert(out.end(), block.begin(), block.end());
        }
        return out;
    };
    EXPECT_EQ(reader.findTensor("blk.0.ffn_up.weight")->type, GgmlType::Q8_0);
    EXPECT_EQ(reader.readTensorBytes(*reader.findTensor("blk.0.ffn_up.weight")),
              quantized(stored("model.layers.0.mlp.up_proj.weight")));
    EXPECT_EQ(reader.readTensorBytes(*reader.findTensor("blk.0.attn_q.weight")),
              quantized(permuted(stored("model.layers.0.self_attn.q_proj.weight"), 64, 64, 4)));
    EXPECT_EQ(reader.readTensorBytes(*reader.findTensor("token_embd.weight")),
              quantized(stored("model.embed_tokens.weight")));
    // ffn_down rows have 96 values: 3 blocks, no fallback.
    EXPECT_EQ(reader.findTensor("blk.0.ffn_down.weight")->type, GgmlType::Q8_0);
    EXPECT_EQ(reader.findTensor("blk.0.attn_q.bias")->type, GgmlType::F32);
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.0.attn_q.bias")),
              permuted(stored("model.layers.0.self_attn.q_proj.bias"), 64, 1, 4));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.0.attn_k.bias")),
              permuted(stored("model.layers.0.self_attn.k_proj.bias"), 32, 1, 2));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.0.attn_v.bias")),
              stored("model.layers.0.self_attn.v_proj.bias"));
}

TEST_F(GgufExport, Q8_0_RowsNotMultipleOf32FallBackToF16)
{
    TinyModelSpec spec;
    spec.intermediate = 72; // ffn_down rows of 72 values
    const GgufExportResult result = exportTiny(spec, GgufExportType::Q8_0);
    const GgufReader reader = GgufReader::open(result.path);
    EXPECT_EQ(reader.findTensor("blk.0.ffn_down.weight")->type, GgmlType::F16);
    EXPECT_EQ(reader.findTensor("blk.0.ffn_up.weight")->type, GgmlType::Q8_0);
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_THAT(result.warnings[0], HasSubstr("blk.0.ffn_down.weight"));
    std::vector<std::uint16_t> expected;
    for (const float v : stored("model.layers.0.mlp.down_proj.weight")) {
        expected.push_back(referenceF16(v));
    }
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.0.ffn_down.weight"))), expected);
}

TEST_F(GgufExport, F32AndF16_ConvertExactly_AndAutoFollowsTheFirstMatrix)
{
    TinyModelSpec spec;
    GgufExportResult result = exportTiny(spec, GgufExportType::F32);
    EXPECT_EQ(result.fileType, 0u);
    {
        const GgufReader reader = GgufReader::open(result.path);
        for (const GgufTensorInfo& tensor : reader.tensors()) {
            EXPECT_EQ(tensor.type, GgmlType::F32) << tensor.name;
        }
        EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("output.weight")), stored("lm_head.weight"));
    }
    std::filesystem::remove(result.path);
    result = run(modelDir().string(), GgufExportType::F16, spec.vocab);
    EXPECT_EQ(result.fileType, 1u);
    {
        const GgufReader reader = GgufReader::open(result.path);
        std::vector<std::uint16_t> expected;
        for (const float v : stored("model.layers.1.mlp.gate_proj.weight")) {
            expected.push_back(referenceF16(v));
        }
        EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.1.ffn_gate.weight"))), expected);
    }
    std::filesystem::remove(result.path);

    spec.dtype = deepext::Dtype::F16;
    EXPECT_EQ(exportTiny(spec, GgufExportType::Auto, "f16-model").type, "f16");
    std::filesystem::remove(output());
    spec.dtype = deepext::Dtype::F32;
    EXPECT_EQ(exportTiny(spec, GgufExportType::Auto, "f32-model").type, "f16"); // the converter's default
}

TEST_F(GgufExport, TiedEmbeddings_HaveNoOutputTensor)
{
    TinyModelSpec spec;
    spec.tied = true;
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
    EXPECT_EQ(reader.findTensor("output.weight"), nullptr);
    EXPECT_NE(reader.findTensor("token_embd.weight"), nullptr);
}

TEST_F(GgufExport, Qwen2_BiasesAreKeptUnpermuted)
{
    TinyModelSpec spec;
    spec.architecture = "Qwen2ForCausalLM";
    spec.qkvBias = true;
    spec.extraConfig = {{"rope_theta", 1000000.0}, {"max_position_embeddings", 32768}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::BF16).path);
    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.find("general.architecture")->asString(), "qwen2");
    EXPECT_EQ(m.find("qwen2.context_length")->asUInt32(), 32768u);
    EXPECT_EQ(m.find("qwen2.rope.freq_base")->asFloat32(), 1000000.0f);
    EXPECT_FALSE(m.contains("qwen2.vocab_size"));
    EXPECT_FALSE(m.contains("qwen2.rope.dimension_count"));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.1.attn_q.bias")),
              stored("model.layers.1.self_attn.q_proj.bias"));
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.1.attn_q.weight"))),
              asBf16(stored("model.layers.1.self_attn.q_proj.weight")));
    EXPECT_EQ(tensorNames(reader).count("blk.0.attn_k.bias"), 1u);
}

TEST_F(GgufExport, Qwen3_HeadDimKeysAndQkNorms)
{
    TinyModelSpec spec;
    spec.architecture = "Qwen3ForCausalLM";
    spec.headDim = 32; // not hidden / heads (16): llama.cpp needs key_length and value_length
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.find("general.architecture")->asString(), "qwen3");
    EXPECT_EQ(m.find("qwen3.attention.key_length")->asUInt32(), 32u);
    EXPECT_EQ(m.find("qwen3.attention.value_length")->asUInt32(), 32u);
    EXPECT_EQ(reader.findTensor("blk.0.attn_q.weight")->ne, (std::vector<std::uint64_t>{64, 128}));
    EXPECT_EQ(reader.findTensor("blk.0.attn_q_norm.weight")->ne, (std::vector<std::uint64_t>{32}));
    EXPECT_EQ(reader.findTensor("blk.0.attn_k_norm.weight")->type, GgmlType::F32);
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.1.attn_k_norm.weight")),
              stored("model.layers.1.self_attn.k_norm.weight"));
}

TEST_F(GgufExport, Gemma2_NormsPlusOne_NoLmHead_SoftcappingKeys)
{
    TinyModelSpec spec;
    spec.architecture = "Gemma2ForCausalLM";
    spec.extraConfig = {{"max_position_embeddings", 8192}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.find("general.architecture")->asString(), "gemma2");
    EXPECT_EQ(m.find("gemma2.attn_logit_softcapping")->asFloat32(), 50.0f);
    EXPECT_EQ(m.find("gemma2.final_logit_softcapping")->asFloat32(), 30.0f);
    EXPECT_EQ(m.find("gemma2.attention.sliding_window")->asUInt32(), 4096u);
    EXPECT_EQ(m.find("gemma2.attention.key_length")->asUInt32(), 16u);
    EXPECT_EQ(m.find("gemma2.context_length")->asUInt32(), 8192u);
    EXPECT_FALSE(m.contains("gemma2.rope.freq_base"));
    EXPECT_EQ(reader.findTensor("output.weight"), nullptr); // lm_head dropped
    const std::set<std::string> names = tensorNames(reader);
    for (const std::string norm : {"attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"}) {
        EXPECT_EQ(names.count("blk.1." + norm + ".weight"), 1u) << norm;
    }
    const auto plusOne = [](std::vector<float> values) {
        for (float& v : values) {
            v = v + 1.0f;
        }
        return values;
    };
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.0.post_ffw_norm.weight")),
              plusOne(stored("model.layers.0.post_feedforward_layernorm.weight")));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.1.post_attention_norm.weight")),
              plusOne(stored("model.layers.1.post_attention_layernorm.weight")));
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("output_norm.weight")), plusOne(stored("model.norm.weight")));
    // Weights are untouched (not norms).
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.0.attn_q.weight"))),
              asBf16(stored("model.layers.0.self_attn.q_proj.weight")));
}

TEST_F(GgufExport, Gemma2_F16NormsAddOneInHalfPrecision)
{
    TinyModelSpec spec;
    spec.architecture = "Gemma2ForCausalLM";
    spec.dtype = deepext::Dtype::F16;
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::F32).path);
    std::vector<float> expected;
    for (const float v : stored("model.layers.0.input_layernorm.weight")) {
        const std::uint16_t sum = referenceF16(v + 1.0f);
        expected.push_back(static_cast<float>(referenceHalfToDouble(sum)));
    }
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("blk.0.attn_norm.weight")), expected);
}

TEST_F(GgufExport, Phi3_FusedTensorsAndKeys)
{
    TinyModelSpec spec;
    spec.architecture = "Phi3ForCausalLM";
    spec.heads = 4;
    spec.kvHeads = 4;
    spec.extraConfig = {{"partial_rotary_factor", 0.5}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto, "tiny-p3").path);
    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.find("general.architecture")->asString(), "phi3");
    EXPECT_EQ(m.find("general.name")->asString(), "tiny-p3");
    EXPECT_EQ(m.find("phi3.rope.scaling.original_context_length")->asUInt32(), 256u);
    EXPECT_EQ(m.find("phi3.rope.dimension_count")->asUInt32(), 8u); // int(0.5 * 64) // 4
    EXPECT_EQ(m.find("phi3.attention.sliding_window")->asUInt32(), 0u);
    EXPECT_EQ(m.find("phi3.attention.head_count_kv")->asUInt32(), 4u);
    EXPECT_EQ(m.find("phi3.rope.freq_base")->asFloat32(), 10000.0f);
    EXPECT_EQ(m.find("phi3.context_length")->asUInt32(), 512u);
    EXPECT_EQ(reader.findTensor("blk.0.attn_qkv.weight")->ne, (std::vector<std::uint64_t>{64, 192}));
    EXPECT_EQ(reader.findTensor("blk.0.ffn_up.weight")->ne, (std::vector<std::uint64_t>{64, 192}));
    EXPECT_EQ(reader.findTensor("blk.0.ffn_gate.weight"), nullptr);
    EXPECT_EQ(halves(reader.readTensorBytes(*reader.findTensor("blk.1.attn_qkv.weight"))),
              asBf16(stored("model.layers.1.self_attn.qkv_proj.weight")));
}

// llama.cpp applies Phi-3's whitespace rule to models named phi3 and looks up Phi-3's special tokens by name:
// a file it would refuse to load is not written.
TEST_F(GgufExport, APhi3NameOverAVocabularyWithoutPhi3Tokens_IsRefused)
{
    TinyModelSpec spec;
    spec.architecture = "Phi3ForCausalLM";
    spec.kvHeads = 4;
    writeTinyModel(modelDir("my-phi3-tune"), spec);
    const std::string message =
        errorOf([&] { run(modelDir("my-phi3-tune").string(), GgufExportType::Auto, spec.vocab); });
    EXPECT_THAT(message, HasSubstr("\"my-phi3-tune\" contains \"phi3\""));
    EXPECT_THAT(message, HasSubstr("</s>, <unk>, <s>, <|endoftext|>"));
    EXPECT_TRUE(outputEntries().empty());

    GgufExportRequest request;
    request.modelDirectory = modelDir("my-phi3-tune").string();
    request.outputPath = output();
    GgufMetadata tokenizer = tokenizerKeys(spec.vocab);
    std::vector<std::string> tokens;
    for (std::uint64_t i = 0; i < spec.vocab; ++i) {
        tokens.push_back(i == 0   ? "<unk>"
                         : i == 1 ? "<s>"
                         : i == 2 ? "</s>"
                         : i == 3 ? "<|endoftext|>"
                                  : "t" + std::to_string(i));
    }
    tokenizer.set("tokenizer.ggml.tokens", GgufValue::stringArray(tokens));
    request.tokenizerMetadata = tokenizer;
    std::atomic_bool cancel{false};
    const GgufReader reader = GgufReader::open(GgufExporter::exportModel(request, {}, cancel).path);
    EXPECT_EQ(reader.metadata().find("general.name")->asString(), "my-phi3-tune");
}

TEST_F(GgufExport, Phi3_WithoutOriginalContextLength_IsRefusedNamingConfigJson)
{
    TinyModelSpec spec;
    spec.architecture = "Phi3ForCausalLM";
    spec.kvHeads = 4;
    spec.extraConfig = {{"original_max_position_embeddings", nullptr}};
    writeTinyModel(modelDir(), spec);
    const std::string message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); });
    EXPECT_THAT(message, HasSubstr((modelDir() / "config.json").string()));
    EXPECT_THAT(message, HasSubstr("original_max_position_embeddings"));
    EXPECT_TRUE(outputEntries().empty());
}

TEST_F(GgufExport, Phi3_LongRopeFactorsBecomeTensors)
{
    TinyModelSpec spec;
    spec.architecture = "Phi3ForCausalLM";
    spec.kvHeads = 4;
    std::vector<double> longFactors;
    std::vector<double> shortFactors;
    for (int i = 0; i < 8; ++i) {
        longFactors.push_back(1.0 + i * 0.5);
        shortFactors.push_back(1.0 + i * 0.01);
    }
    spec.extraConfig = {
        {"max_position_embeddings", 1024},
        {"rope_scaling", {{"type", "longrope"}, {"long_factor", longFactors}, {"short_factor", shortFactors}}}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
    std::vector<float> expectedLong(longFactors.begin(), longFactors.end());
    EXPECT_EQ(reader.readTensorFloats(*reader.findTensor("rope_factors_long.weight")), expectedLong);
    EXPECT_EQ(reader.findTensor("rope_factors_short.weight")->ne, (std::vector<std::uint64_t>{8}));
    // attn_factor = sqrt(1 + ln(1024 / 256) / ln(256))
    EXPECT_FLOAT_EQ(reader.metadata().find("phi3.rope.scaling.attn_factor")->asFloat32(),
                    static_cast<float>(std::sqrt(1 + std::log(4.0) / std::log(256.0))));
}

TEST_F(GgufExport, Llama3RopeScaling_WritesRopeFreqs)
{
    TinyModelSpec spec;
    spec.extraConfig = {{"rope_theta", 500000.0},
                        {"rope_scaling",
                         {{"rope_type", "llama3"},
                          {"factor", 8.0},
                          {"low_freq_factor", 1.0},
                          {"high_freq_factor", 4.0},
                          {"original_max_position_embeddings", 8192}}}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
    const GgufTensorInfo* freqs = reader.findTensor("rope_freqs.weight");
    ASSERT_NE(freqs, nullptr);
    EXPECT_EQ(freqs->type, GgmlType::F32);
    const std::vector<float> values = reader.readTensorFloats(*freqs);
    ASSERT_EQ(values.size(), 8u); // head_dim 16 / 2
    // The formula of gguf-facts §3 in double precision; head_dim 16 and theta 500000 put pairs 0-3 above the high
    // frequency cut (factor 1), pair 4 in the smooth band and pairs 5-7 below the low cut (factor 8).
    for (int i = 0; i < 8; ++i) {
        const double invFreq = std::pow(500000.0, -2.0 * i / 16.0);
        const double wavelen = 2 * std::numbers::pi / invFreq;
        double expected = 0;
        if (wavelen < 8192.0 / 4.0) {
            expected = 1.0;
        } else if (wavelen > 8192.0 / 1.0) {
            expected = 8.0;
        } else {
            const double s = (8192.0 / wavelen - 1.0) / (4.0 - 1.0);
            expected = 1.0 / ((1 - s) / 8.0 + s);
        }
        EXPECT_NEAR(values[static_cast<std::size_t>(i)], expected, 1e-5 * expected) << "pair " << i;
    }
    EXPECT_GT(values[4], 1.0f);
    EXPECT_LT(values[4], 8.0f);
    EXPECT_EQ(reader.metadata().find("llama.rope.freq_base")->asFloat32(), 500000.0f);
    EXPECT_FALSE(reader.metadata().contains("llama.rope.scaling.type"));
}

TEST_F(GgufExport, LinearAndYarnRopeScaling_Keys)
{
    TinyModelSpec spec;
    spec.architecture = "Qwen2ForCausalLM";
    spec.extraConfig = {{"rope_scaling", {{"type", "linear"}, {"factor", 2.0}}}};
    {
        const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto).path);
        EXPECT_EQ(reader.metadata().find("qwen2.rope.scaling.type")->asString(), "linear");
        EXPECT_EQ(reader.metadata().find("qwen2.rope.scaling.factor")->asFloat32(), 2.0f);
    }
    std::filesystem::remove(output());
    spec.extraConfig = {
        {"rope_scaling",
         {{"rope_type", "yarn"}, {"factor", 4.0}, {"original_max_position_embeddings", 32768}, {"beta_fast", 32.0}}}};
    const GgufReader reader = GgufReader::open(exportTiny(spec, GgufExportType::Auto, "yarn").path);
    EXPECT_EQ(reader.metadata().find("qwen2.rope.scaling.type")->asString(), "yarn");
    EXPECT_EQ(reader.metadata().find("qwen2.rope.scaling.factor")->asFloat32(), 4.0f);
    EXPECT_EQ(reader.metadata().find("qwen2.rope.scaling.original_context_length")->asUInt32(), 32768u);
    EXPECT_EQ(reader.metadata().find("qwen2.rope.scaling.yarn_beta_fast")->asFloat32(), 32.0f);
}

TEST_F(GgufExport, GeneralKeys_FromGenerationConfigAndReadme)
{
    TinyModelSpec spec;
    m_values = writeTinyModel(modelDir(), spec);
    std::ofstream(modelDir() / "generation_config.json")
        << R"({"temperature": 0.6, "top_p": 0.9, "top_k": 20, "repetition_penalty": 1.1, "max_length": 2048})";
    std::ofstream(modelDir() / "README.md") << "---\nmodel_name: Tiny Chat v2\nlicense: apache-2.0\ntags:\n"
                                               "- llama\n- chat\npipeline_tag: text-generation\n---\n# Tiny\n";
    const GgufReader reader = GgufReader::open(run(modelDir().string(), GgufExportType::Auto, spec.vocab).path);
    const GgufMetadata& m = reader.metadata();
    EXPECT_EQ(m.find("general.sampling.temp")->asFloat32(), 0.6f);
    EXPECT_EQ(m.find("general.sampling.top_p")->asFloat32(), 0.9f);
    EXPECT_EQ(m.find("general.sampling.top_k")->asInt32(), 20);
    EXPECT_EQ(m.find("general.sampling.penalty_repeat")->asFloat32(), 1.1f);
    EXPECT_FALSE(m.contains("general.sampling.min_p"));
    EXPECT_EQ(m.find("general.name")->asString(), "Tiny Chat v2");
    EXPECT_EQ(m.find("general.license")->asString(), "apache-2.0");
    EXPECT_TRUE(*m.find("general.tags") == GgufValue::stringArray({"llama", "chat", "text-generation"}));
}

TEST_F(GgufExport, UnknownArchitecture_IsRefusedByNameListingTheSupportedOnes)
{
    TinyModelSpec spec;
    spec.extraConfig = {{"architectures", {"GPT2LMHeadModel"}}};
    writeTinyModel(modelDir(), spec);
    const std::string message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); });
    EXPECT_THAT(message, HasSubstr("GPT2LMHeadModel"));
    EXPECT_THAT(message, HasSubstr(GgufArchitecture::supportedNames()));
    EXPECT_TRUE(outputEntries().empty());
    EXPECT_TRUE(GgufArchitecture::canExport("MistralForCausalLM"));
    EXPECT_TRUE(GgufArchitecture::canExport("Qwen3ForCausalLM"));
    EXPECT_FALSE(GgufArchitecture::canExport("GPT2LMHeadModel"));
    EXPECT_EQ(GgufArchitecture::supported().size(), 6u);
    EXPECT_EQ(GgufArchitecture::find("MistralForCausalLM")->ggufName, "llama");
}

// Rewrites `dir`/model.safetensors without the tensor `drop` and with `add` appended.
void rewriteWeights(const std::filesystem::path& dir, const std::string& drop, std::vector<deepext::TensorBlob> add)
{
    std::vector<deepext::TensorBlob> blobs;
    {
        const auto file = deepext::SafeTensorsFile::open((dir / "model.safetensors").string());
        for (const deepext::TensorInfo& info : file->header().tensors) {
            if (info.name != drop) {
                const std::uint8_t* data = file->tensorData(info);
                blobs.push_back({deepext::TensorSpec{info.name, info.dtype, info.shape},
                                 std::vector<std::uint8_t>(data, data + info.byteSize())});
            }
        }
    }
    blobs.insert(blobs.end(), add.begin(), add.end());
    std::filesystem::remove(dir / "model.safetensors");
    deepext::writeSafeTensorsFile((dir / "model.safetensors").string(), blobs);
}

TEST_F(GgufExport, ExtraMissingAndMisshapenTensors_AreNamed)
{
    TinyModelSpec spec;
    writeTinyModel(modelDir(), spec);
    // An extra tensor: llama.cpp refuses files with unused tensors.
    rewriteWeights(modelDir(), "",
                   {{deepext::TensorSpec{"model.layers.0.self_attn.rotary_scale.weight", deepext::Dtype::F32, {4}},
                     std::vector<std::uint8_t>(16)}});
    std::string message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); });
    EXPECT_THAT(message, HasSubstr("model.layers.0.self_attn.rotary_scale.weight"));
    EXPECT_THAT(message, HasSubstr("unused tensors"));
    EXPECT_TRUE(outputEntries().empty());

    // A missing tensor.
    std::filesystem::remove_all(modelDir());
    TinyModelSpec qwen3;
    qwen3.architecture = "Qwen3ForCausalLM";
    writeTinyModel(modelDir(), qwen3);
    rewriteWeights(modelDir(), "model.layers.1.self_attn.k_norm.weight", {});
    message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, qwen3.vocab); });
    EXPECT_THAT(message, HasSubstr("lack model.layers.1.self_attn.k_norm.weight"));
    EXPECT_TRUE(outputEntries().empty());

    // A shape that config.json does not imply.
    std::filesystem::remove_all(modelDir());
    spec.intermediate = 128;
    writeTinyModel(modelDir(), spec);
    nlohmann::json config = tinyConfig(spec);
    config["intermediate_size"] = 100;
    std::ofstream(modelDir() / "config.json") << config.dump();
    message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); });
    EXPECT_THAT(message, HasSubstr("mlp."));
    EXPECT_THAT(message, HasSubstr("but config.json"));
    EXPECT_THAT(message, HasSubstr("intermediate_size 100"));
    EXPECT_TRUE(outputEntries().empty());
}

TEST_F(GgufExport, Qwen3Reranker_IsRefused)
{
    TinyModelSpec spec;
    spec.architecture = "Qwen3ForCausalLM";
    writeTinyModel(modelDir("Qwen3-Reranker-0.6B"), spec);
    EXPECT_THAT(errorOf([&] { run(modelDir("Qwen3-Reranker-0.6B").string(), GgufExportType::Auto, spec.vocab); }),
                HasSubstr("Qwen3 reranker"));
}

TEST_F(GgufExport, ExistingOutput_IsRefusedWithoutForceAndReplacedWithIt)
{
    TinyModelSpec spec;
    m_values = writeTinyModel(modelDir(), spec);
    writeBytes(output(), "an older file");
    EXPECT_THAT(errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); }),
                HasSubstr("already exists"));
    EXPECT_EQ(readBytes(output()), "an older file");
    EXPECT_EQ(outputEntries(), std::vector<std::string>{"out.gguf"});
    const GgufExportResult result = run(modelDir().string(), GgufExportType::Auto, spec.vocab, {}, true);
    EXPECT_NO_THROW(GgufReader::open(result.path));
    EXPECT_EQ(outputEntries(), std::vector<std::string>{"out.gguf"});
}

TEST_F(GgufExport, Cancel_LeavesNothing)
{
    TinyModelSpec spec;
    spec.hidden = 256;
    spec.intermediate = 1024;
    spec.vocab = 4096;
    spec.layers = 4;
    m_values = writeTinyModel(modelDir(), spec);
    GgufExportRequest request;
    request.modelDirectory = modelDir().string();
    request.outputPath = output();
    request.tokenizerMetadata = tokenizerKeys(spec.vocab);
    std::atomic_bool cancel{false};
    std::vector<std::string> phases;
    const deepext::MergeProgressCallback progress = [&](const deepext::MergeProgress& p) {
        phases.push_back(p.phase);
        if (p.phase == "exporting") {
            cancel = true; // as Ctrl+C would, once writing has begun
        }
    };
    try {
        GgufExporter::exportModel(request, progress, cancel);
        FAIL() << "the export was not cancelled";
    } catch (const deepext::Error& error) {
        EXPECT_TRUE(error.isCancelled()) << error.message();
    }
    EXPECT_EQ(phases.front(), "planning");
    EXPECT_TRUE(outputEntries().empty());
}

TEST_F(GgufExport, DiskFullAndTooLittleFreeSpace_LeaveNothing)
{
    TinyModelSpec spec;
    m_values = writeTinyModel(modelDir(), spec);
    ::setenv("DEEPEXT_FAULT_DISK_FULL_AFTER", "20000", 1);
    std::string message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); });
    ::unsetenv("DEEPEXT_FAULT_DISK_FULL_AFTER");
    EXPECT_THAT(message, HasSubstr("the disk is full"));
    EXPECT_TRUE(outputEntries().empty());

    ::setenv("DEEPEXT_FAULT_FREE_BYTES", "1000", 1);
    message = errorOf([&] { run(modelDir().string(), GgufExportType::Auto, spec.vocab); });
    ::unsetenv("DEEPEXT_FAULT_FREE_BYTES");
    EXPECT_THAT(message, HasSubstr("not enough free disk space"));
    EXPECT_TRUE(outputEntries().empty());
}

TEST_F(GgufExport, ATokenizerFailure_LeavesNothing)
{
    TinyModelSpec spec;
    writeTinyModel(modelDir(), spec); // no tokenizer files
    GgufExportRequest request;
    request.modelDirectory = modelDir().string();
    request.outputPath = output();
    std::atomic_bool cancel{false};
    EXPECT_THROW(GgufExporter::exportModel(request, {}, cancel), deepext::Error);
    EXPECT_TRUE(outputEntries().empty());
}

TEST_F(GgufExport, AStagingFileOfADeadExport_IsRemoved)
{
    TinyModelSpec spec;
    m_values = writeTinyModel(modelDir(), spec);
    // A pid far above pid_max: no living process has it.
    output(); // creates the folder
    writeBytes((m_dir.path() / "out" / ".out.gguf.partial-999999999-1").string(), "left by a killed export");
    writeBytes((m_dir.path() / "out" / ".other.gguf.partial-999999999-1").string(), "another output's");
    run(modelDir().string(), GgufExportType::Auto, spec.vocab);
    std::vector<std::string> entries = outputEntries();
    std::sort(entries.begin(), entries.end());
    EXPECT_EQ(entries, (std::vector<std::string>{".other.gguf.partial-999999999-1", "out.gguf"}));
}

TEST_F(GgufExport, ExportTypeNames)
{
    EXPECT_EQ(ggufExportTypeFromName("Q8_0"), GgufExportType::Q8_0);
    EXPECT_EQ(ggufExportTypeFromName("bf16"), GgufExportType::BF16);
    EXPECT_EQ(ggufExportTypeName(GgufExportType::F32), "f32");
    try {
        ggufExportTypeFromName("q4_k_m");
        FAIL();
    } catch (const deepext::Error& error) {
        EXPECT_EQ(error.kind(), deepext::Error::Kind::Usage);
        EXPECT_THAT(error.message(), HasSubstr("auto, f32, f16, bf16 or q8_0"));
    }
}

} // namespace
