// LoraMerger beyond the golden values: request checks, nothing written when planning fails, adapter_model.bin,
// truncated files, free space, cancel, progress, forced output dtype, thread-count independence.
#include "deepext/merge/LoraMerger.h"

#include "MergeTestSupport.h"
#include "deepext/base/Error.h"
#include "deepext/merge/DiskSpace.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace deepext::test {
namespace {

// A writable copy of a golden case (base/ and adapter/), plus an empty out/.
struct CaseCopy
{
    explicit CaseCopy(const std::string& name)
    {
        copyDir(goldenDir() / name / "base", temp.path() / "base");
        copyDir(goldenDir() / name / "adapter", temp.path() / "adapter");
        request.baseDirectory = (temp.path() / "base").string();
        request.adapterDirectory = (temp.path() / "adapter").string();
        request.outputDirectory = temp.sub("out");
    }
    bool outputEmpty() const { return fs::is_empty(request.outputDirectory); }

    TempDir temp;
    MergeRequest request;
};

std::string mergeError(const MergeRequest& request, const std::atomic_bool& cancel = std::atomic_bool{false})
{
    try {
        LoraMerger::merge(request, {}, cancel);
    } catch (const Error& e) {
        return e.message() + "\n" + e.details();
    }
    return {};
}

TEST(MergeTypes, OutputDtypeNames)
{
    EXPECT_EQ(outputDtypeFromName("auto"), OutputDtype::Auto);
    EXPECT_EQ(outputDtypeFromName("bf16"), OutputDtype::BF16);
    EXPECT_EQ(outputDtypeFromName("bfloat16"), OutputDtype::BF16);
    EXPECT_EQ(outputDtypeFromName("fp16"), OutputDtype::F16);
    EXPECT_EQ(outputDtypeFromName("float16"), OutputDtype::F16);
    EXPECT_EQ(outputDtypeFromName("fp32"), OutputDtype::F32);
    EXPECT_EQ(outputDtypeFromName("float32"), OutputDtype::F32);
    for (OutputDtype dtype : {OutputDtype::Auto, OutputDtype::BF16, OutputDtype::F16, OutputDtype::F32}) {
        EXPECT_EQ(outputDtypeFromName(outputDtypeName(dtype)), dtype);
    }
    try {
        outputDtypeFromName("int8");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), Error::Kind::Usage);
    }
}

TEST(LoraMerger, OutputFolderMustExistAndBeEmpty)
{
    CaseCopy c("llama_bf16_qv");
    writeText(fs::path(c.request.outputDirectory) / "stray.txt", "x");
    EXPECT_NE(mergeError(c.request).find("is not empty"), std::string::npos);
    c.request.outputDirectory = (c.temp.path() / "missing").string();
    EXPECT_NE(mergeError(c.request).find("does not exist"), std::string::npos);
}

TEST(LoraMerger, MismatchWritesNothing)
{
    CaseCopy c("llama_bf16_qv");
    auto tensors = readTensors(fs::path(c.request.adapterDirectory) / "adapter_model.safetensors");
    tensors.erase("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight");
    writeTensors(fs::path(c.request.adapterDirectory) / "adapter_model.safetensors", tensors);
    const std::string error = mergeError(c.request);
    EXPECT_NE(error.find("has lora_A but no lora_B"), std::string::npos) << error;
    EXPECT_TRUE(c.outputEmpty());
}

TEST(LoraMerger, AdapterModelBinOnly)
{
    CaseCopy c("llama_bf16_qv");
    fs::rename(fs::path(c.request.adapterDirectory) / "adapter_model.safetensors",
               fs::path(c.request.adapterDirectory) / "adapter_model.bin");
    const std::string error = mergeError(c.request);
    EXPECT_NE(error.find("has only adapter_model.bin"), std::string::npos) << error;
    EXPECT_NE(error.find("needs adapter_model.safetensors"), std::string::npos) << error;
    EXPECT_NE(error.find("save_file("), std::string::npos) << error; // how to convert
    EXPECT_TRUE(c.outputEmpty());
    fs::remove(fs::path(c.request.adapterDirectory) / "adapter_model.bin");
    EXPECT_NE(mergeError(c.request).find("no adapter_model.safetensors"), std::string::npos);
}

TEST(LoraMerger, TruncatedAdapterFile)
{
    CaseCopy c("llama_bf16_qv");
    const fs::path file = fs::path(c.request.adapterDirectory) / "adapter_model.safetensors";
    fs::resize_file(file, fs::file_size(file) - 100);
    const std::string error = mergeError(c.request);
    EXPECT_NE(error.find("adapter_model.safetensors"), std::string::npos) << error;
    EXPECT_TRUE(c.outputEmpty());
}

TEST(LoraMerger, RefusedAdapterType)
{
    CaseCopy c("llama_bf16_qv");
    writeText(fs::path(c.request.adapterDirectory) / "adapter_config.json",
              R"({"peft_type": "IA3", "target_modules": ["k_proj"]})");
    EXPECT_NE(mergeError(c.request).find("is an IA3 adapter"), std::string::npos);
    EXPECT_TRUE(c.outputEmpty());
}

TEST(LoraMerger, NotEnoughFreeSpace)
{
#ifdef DEEPEXT_FAULT_HOOKS
    CaseCopy c("llama_bf16_qv");
    ::setenv("DEEPEXT_FAULT_FREE_BYTES", "1000", 1);
    const std::string error = mergeError(c.request);
    ::unsetenv("DEEPEXT_FAULT_FREE_BYTES");
    EXPECT_NE(error.find("not enough free disk space in " + c.request.outputDirectory), std::string::npos) << error;
    EXPECT_NE(error.find("bytes) but only 1.00 kB is free"), std::string::npos) << error;
    EXPECT_TRUE(c.outputEmpty());
#else
    GTEST_SKIP() << "fault hooks are compiled out";
#endif
    EXPECT_GT(availableBytes(fs::temp_directory_path().string()), 0u);
    EXPECT_EQ(formatBytes(1500000000), "1.50 GB");
}

TEST(LoraMerger, CancelBeforeAndDuring)
{
    CaseCopy c("llama_fp16_all_rslora_sharded");
    std::atomic_bool cancel{true};
    try {
        LoraMerger::merge(c.request, {}, cancel);
        FAIL() << "not cancelled";
    } catch (const Error& e) {
        EXPECT_TRUE(e.isCancelled());
    }
    EXPECT_TRUE(c.outputEmpty());

    cancel = false;
    int calls = 0;
    const MergeProgressCallback progress = [&](const MergeProgress& p) {
        if (p.phase == "merging" && ++calls >= 1) {
            cancel = true;
        }
    };
    try {
        LoraMerger::merge(c.request, progress, cancel);
        FAIL() << "not cancelled";
    } catch (const Error& e) {
        EXPECT_TRUE(e.isCancelled());
    }
    EXPECT_TRUE(c.outputEmpty());
}

TEST(LoraMerger, ProgressCountsEveryByte)
{
    CaseCopy c("llama_fp16_all_rslora_sharded");
    std::vector<MergeProgress> seen;
    const MergeResult result = LoraMerger::merge(
        c.request, [&](const MergeProgress& p) { seen.push_back(p); }, std::atomic_bool{false});
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front().phase, "planning");
    std::uint64_t last = 0;
    for (const MergeProgress& p : seen) {
        EXPECT_GE(p.bytesDone, last);
        last = p.bytesDone;
    }
    std::uint64_t total = 0;
    for (const ManifestEntry& file : result.files) {
        total += file.size;
    }
    EXPECT_EQ(seen.back().bytesTotal, total);
    EXPECT_EQ(seen.back().bytesDone, total);
    EXPECT_EQ(result.bytesWritten, total);
    EXPECT_EQ(result.tensorsMerged, 14);
    EXPECT_EQ(result.tensorsCopied, 7);
    EXPECT_EQ(result.scalings.size(), 14u);
    EXPECT_EQ(result.outputDtype, "auto");
    // Files: three shards, the index, config, generation config, tokenizer files; sorted.
    std::vector<std::string> paths;
    for (const ManifestEntry& file : result.files) {
        paths.push_back(file.path);
    }
    EXPECT_EQ(paths,
              (std::vector<std::string>{"config.json", "generation_config.json", "model-00001-of-00003.safetensors",
                                        "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors",
                                        "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json"}));
}

TEST(LoraMerger, ThreadCountDoesNotChangeTheBytes)
{
    CaseCopy c("llama_bf16_dora");
    c.request.threads = 1;
    const MergeResult one = LoraMerger::merge(c.request, {}, std::atomic_bool{false});
    MergeRequest again = c.request;
    again.threads = 7;
    again.outputDirectory = c.temp.sub("out7");
    const MergeResult seven = LoraMerger::merge(again, {}, std::atomic_bool{false});
    ASSERT_EQ(one.files.size(), seven.files.size());
    for (std::size_t i = 0; i < one.files.size(); ++i) {
        EXPECT_EQ(one.files[i].sha256, seven.files[i].sha256) << one.files[i].path;
    }
}

TEST(LoraMerger, ForcedDtypeConvertsEveryFloatTensorAndTheConfig)
{
    CaseCopy c("llama_bf16_qv");
    c.request.dtype = OutputDtype::F32;
    const MergeResult result = LoraMerger::merge(c.request, {}, std::atomic_bool{false});
    EXPECT_EQ(result.outputDtype, "fp32");
    const auto base = readTensors(c.request.baseDirectory);
    const auto out = readTensors(c.request.outputDirectory);
    for (const auto& [name, tensor] : out) {
        EXPECT_EQ(tensor.dtype, Dtype::F32) << name;
        if (name.find("q_proj") == std::string::npos && name.find("v_proj") == std::string::npos) {
            EXPECT_EQ(toFloats(tensor), toFloats(base.at(name))) << name; // exact widening
        }
    }
    // Merged tensors are rounded once, to fp32: within one bf16 ulp of PEFT's bf16 result.
    const auto expected = readTensors(goldenDir() / "llama_bf16_qv" / "expected" / "expected.safetensors");
    const std::vector<float> merged = toFloats(out.at("model.layers.0.self_attn.q_proj.weight"));
    const std::vector<float> peft = toFloats(expected.at("model.layers.0.self_attn.q_proj.weight"));
    for (std::size_t i = 0; i < merged.size(); ++i) {
        EXPECT_EQ(floatToBf16(merged[i]), floatToBf16(peft[i])) << i;
    }
    const nlohmann::json config = readJson(fs::path(c.request.outputDirectory) / "config.json");
    EXPECT_EQ(config["torch_dtype"], "float32");
    EXPECT_FALSE(config.contains("dtype"));
    ASSERT_EQ(result.configChanges.size(), 1u);
    EXPECT_EQ(result.configChanges[0], "torch_dtype: \"bfloat16\" -> \"float32\"");

    // fp16 from an fp32 base, and a config that has both keys.
    CaseCopy f("llama_fp32_patterns");
    nlohmann::json fp32Config = readJson(fs::path(f.request.baseDirectory) / "config.json");
    fp32Config["dtype"] = "float32";
    writeText(fs::path(f.request.baseDirectory) / "config.json", fp32Config.dump(2));
    f.request.dtype = OutputDtype::F16;
    LoraMerger::merge(f.request, {}, std::atomic_bool{false});
    for (const auto& [name, tensor] : readTensors(f.request.outputDirectory)) {
        EXPECT_EQ(tensor.dtype, Dtype::F16) << name;
    }
    const nlohmann::json fp16Config = readJson(fs::path(f.request.outputDirectory) / "config.json");
    EXPECT_EQ(fp16Config["torch_dtype"], "float16");
    EXPECT_EQ(fp16Config["dtype"], "float16");
}

TEST(LoraMerger, TiedBaseWithSavedLmHeadGetsAnUntiedHead)
{
    CaseCopy c("llama_bf16_tied_lm_head");
    fs::remove_all(c.request.adapterDirectory);
    copyDir(goldenDir() / "llama_bf16_mts_lm_head" / "adapter", c.request.adapterDirectory);
    const MergeResult result = LoraMerger::merge(c.request, {}, std::atomic_bool{false});
    const auto out = readTensors(c.request.outputDirectory);
    ASSERT_EQ(out.count("lm_head.weight"), 1u);
    EXPECT_EQ(out.at("lm_head.weight").dtype, Dtype::BF16);
    const nlohmann::json config = readJson(fs::path(c.request.outputDirectory) / "config.json");
    EXPECT_EQ(config["tie_word_embeddings"], false);
    EXPECT_FALSE(result.warnings.empty());
}

TEST(LoraMerger, CopiesTokenizerAndTemplateFiles)
{
    CaseCopy c("llama_bf16_qv");
    writeText(fs::path(c.request.baseDirectory) / "chat_template.jinja", "BASE");
    writeText(fs::path(c.request.adapterDirectory) / "chat_template.jinja", "ADAPTER");
    writeText(fs::path(c.request.baseDirectory) / "LICENSE", "license text");
    writeText(fs::path(c.request.baseDirectory) / "pytorch_model.bin", "old weights");
    writeText(fs::path(c.request.adapterDirectory) / "trainer_state.json", "{}");
    writeText(fs::path(c.request.adapterDirectory) / "config.json", "{\"not\": \"used\"}");
    fs::create_directories(fs::path(c.request.baseDirectory) / "additional_chat_templates");
    writeText(fs::path(c.request.baseDirectory) / "additional_chat_templates" / "tools.jinja", "TOOLS");
    const MergeResult result = LoraMerger::merge(c.request, {}, std::atomic_bool{false});
    const fs::path out(c.request.outputDirectory);
    EXPECT_EQ(readText(out / "chat_template.jinja"), "ADAPTER");
    EXPECT_EQ(readText(out / "LICENSE"), "license text");
    EXPECT_EQ(readText(out / "additional_chat_templates" / "tools.jinja"), "TOOLS");
    EXPECT_EQ(readText(out / "config.json"), readText(fs::path(c.request.baseDirectory) / "config.json"));
    EXPECT_FALSE(fs::exists(out / "pytorch_model.bin"));
    EXPECT_FALSE(fs::exists(out / "trainer_state.json"));
    EXPECT_FALSE(fs::exists(out / "adapter_config.json"));
    bool listed = false;
    for (const ManifestEntry& file : result.files) {
        listed = listed || file.path == "additional_chat_templates/tools.jinja";
    }
    EXPECT_TRUE(listed);
}

} // namespace
} // namespace deepext::test
