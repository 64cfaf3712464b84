// An adapter that changes nothing (saved before training: every lora_B zero) merges, and says so; an adapter that
// changes anything at all (one nonzero B value, a trained DoRA magnitude, a modules_to_save copy that differs, a
// trainable-token row that differs) does not warn.
#include "MergeKernels.h"
#include "MergeTestSupport.h"
#include "NoOpAdapterCheck.h"
#include "deepext/base/Error.h"
#include "deepext/merge/LoraMerger.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace deepext;
using namespace deepext::test;

namespace {

const char* const kPhrase = "this adapter changes nothing: was it saved before training?";

bool warnsNoOp(const MergeResult& result)
{
    return std::any_of(result.warnings.begin(), result.warnings.end(),
                       [](const std::string& w) { return w.find(kPhrase) != std::string::npos; });
}

// A golden case's base and adapter in a temporary folder, with the adapter's tensors editable before merging.
struct Case
{
    explicit Case(const std::string& name)
    {
        copyDir(goldenDir() / name / "base", temp.path() / "base");
        copyDir(goldenDir() / name / "adapter", temp.path() / "adapter");
        tensors = readTensors(temp.path() / "adapter" / "adapter_model.safetensors");
    }
    // Every tensor whose name contains `part`, set to zero.
    void zero(const std::string& part)
    {
        for (auto& [name, tensor] : tensors) {
            if (name.find(part) != std::string::npos) {
                std::fill(tensor.bytes.begin(), tensor.bytes.end(), 0);
            }
        }
    }
    MergeResult merge()
    {
        writeTensors(temp.path() / "adapter" / "adapter_model.safetensors", tensors);
        MergeRequest request;
        request.baseDirectory = (temp.path() / "base").string();
        request.adapterDirectory = (temp.path() / "adapter").string();
        request.outputDirectory = temp.sub("out" + std::to_string(++merges));
        const std::atomic_bool cancel{false};
        return LoraMerger::merge(request, {}, cancel);
    }
    std::map<std::string, Tensor> outputOf(int merge) const
    {
        return readTensors(temp.path() / ("out" + std::to_string(merge)));
    }

    TempDir temp;
    std::map<std::string, Tensor> tensors;
    int merges = 0;
};

} // namespace

TEST(NoOpAdapter, UntrainedLoraFixture_MergesToACopyOfTheBaseAndWarns)
{
    TempDir temp;
    MergeRequest request;
    request.baseDirectory = (goldenDir() / "llama_bf16_qv" / "base").string();
    request.adapterDirectory = (testData() / "noop" / "untrained_lora" / "adapter").string();
    request.outputDirectory = temp.sub("out");
    const std::atomic_bool cancel{false};
    const MergeResult result = LoraMerger::merge(request, {}, cancel);
    EXPECT_TRUE(warnsNoOp(result));
    EXPECT_EQ(result.tensorsMerged, 4);
    // The warning is true: every tensor is the base's, byte for byte.
    const auto base = readTensors(goldenDir() / "llama_bf16_qv" / "base");
    const auto out = readTensors(request.outputDirectory);
    ASSERT_EQ(base.size(), out.size());
    for (const auto& [name, tensor] : base) {
        EXPECT_EQ(out.at(name).bytes, tensor.bytes) << name;
    }
}

TEST(NoOpAdapter, OneNonzeroValueInOneB_IsAChange)
{
    Case c("llama_bf16_qv");
    c.zero(".lora_B.");
    EXPECT_TRUE(warnsNoOp(c.merge()));
    // The last element of the last B tensor: the check must read to the end, not stop at a prefix.
    Tensor* lastB = nullptr;
    for (auto& [name, tensor] : c.tensors) {
        if (name.find(".lora_B.") != std::string::npos) {
            lastB = &tensor;
        }
    }
    ASSERT_NE(lastB, nullptr);
    lastB->bytes[lastB->bytes.size() - 2] = 0x01; // bf16 little-endian: a tiny subnormal
    EXPECT_FALSE(warnsNoOp(c.merge()));
}

TEST(NoOpAdapter, NegativeZeroIsZero)
{
    Case c("llama_bf16_qv");
    c.zero(".lora_B.");
    for (auto& [name, tensor] : c.tensors) {
        if (name.find(".lora_B.") != std::string::npos) {
            for (std::size_t i = 1; i < tensor.bytes.size(); i += 2) {
                tensor.bytes[i] = 0x80; // -0.0 in bf16
            }
        }
    }
    EXPECT_TRUE(warnsNoOp(c.merge()));
}

TEST(NoOpAdapter, TrainedAdapters_DoNotWarn)
{
    for (const std::string& name : goldenCases()) {
        Case c(name);
        EXPECT_FALSE(warnsNoOp(c.merge())) << name;
    }
}

TEST(NoOpAdapter, DoraWithZeroBAndTheInitialMagnitude_Warns)
{
    Case c("llama_bf16_dora");
    c.zero(".lora_B.");
    // PEFT's init: the magnitude is the fp32 norm of each row of the base weight (B is zero, so V = W0).
    const auto base = readTensors(c.temp.path() / "base");
    for (auto& [name, tensor] : c.tensors) {
        const auto at = name.find(".lora_magnitude_vector");
        if (at == std::string::npos) {
            continue;
        }
        const std::string module =
            name.substr(std::string("base_model.model.").size(), at - std::string("base_model.model.").size());
        const Tensor& weight = base.at(module + ".weight");
        const std::vector<float> w = toFloats(weight);
        const auto rows = static_cast<std::size_t>(weight.shape[0]);
        const auto cols = static_cast<std::size_t>(weight.shape[1]);
        std::vector<float> norms(rows);
        for (std::size_t i = 0; i < rows; ++i) {
            norms[i] = kernels::rowNorm(&w[i * cols], cols);
        }
        tensor = fromFloats(Dtype::F32, tensor.shape, norms);
    }
    EXPECT_TRUE(warnsNoOp(c.merge()));
    // The golden adapter's magnitudes were trained: with B zero it still changes the weights.
    Case trained("llama_bf16_dora");
    trained.zero(".lora_B.");
    EXPECT_FALSE(warnsNoOp(trained.merge()));
}

TEST(NoOpAdapter, ModulesToSaveThatDiffer_AreAChange)
{
    Case c("llama_bf16_mts_lm_head");
    c.zero(".lora_B.");
    EXPECT_FALSE(warnsNoOp(c.merge())); // the saved lm_head was trained
    // An untouched copy of the base's lm_head (what PEFT saves before training) changes nothing.
    const auto base = readTensors(c.temp.path() / "base");
    Tensor& head = c.tensors.at("base_model.model.lm_head.weight");
    head = fromFloats(head.dtype, head.shape, toFloats(base.at("lm_head.weight")));
    EXPECT_TRUE(warnsNoOp(c.merge()));
}

TEST(NoOpAdapter, TrainableTokenRowsThatDiffer_AreAChange)
{
    Case c("llama_bf16_trainable_tokens");
    c.zero(".lora_B.");
    EXPECT_FALSE(warnsNoOp(c.merge()));
}

TEST(NoOpAdapter, IsAllZero_ReadsInBlocksAndHonoursCancel)
{
    TempDir temp;
    const fs::path file = temp.path() / "t.safetensors";
    Tensor big{Dtype::F32, {1024, 1024}, std::vector<std::uint8_t>(4u << 20, 0)}; // 4 MiB: several blocks
    big.bytes[big.bytes.size() - 1] = 0x80;                                       // -0.0 at the very end
    writeTensors(file, {{"t", big}});
    const auto opened = SafeTensorsFile::open(file.string());
    const TensorInfo& info = *opened->header().find("t");
    const std::atomic_bool go{false};
    EXPECT_TRUE(NoOpAdapterCheck::isAllZero(*opened, info, go));
    big.bytes[big.bytes.size() - 2] = 0x01;
    writeTensors(temp.path() / "t2.safetensors", {{"t", big}});
    const auto changed = SafeTensorsFile::open((temp.path() / "t2.safetensors").string());
    EXPECT_FALSE(NoOpAdapterCheck::isAllZero(*changed, *changed->header().find("t"), go));
    const std::atomic_bool stop{true};
    EXPECT_THROW(NoOpAdapterCheck::isAllZero(*opened, info, stop), Error);
}
