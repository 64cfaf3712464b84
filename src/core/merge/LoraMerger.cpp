#include "deepext/merge/LoraMerger.h"

#include "ModelFiles.h"
#include "NoOpAdapterCheck.h"
#include "TensorJob.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Sha256.h"
#include "deepext/merge/AdapterConfig.h"
#include "deepext/merge/AdapterPlan.h"
#include "deepext/merge/DiskSpace.h"
#include "deepext/merge/ModelCheckpoint.h"
#include "deepext/merge/OrderedBlockWriter.h"
#include "deepext/merge/SafeTensorsFile.h"
#include "deepext/merge/SafeTensorsWriter.h"
#include "deepext/merge/ThreadPool.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <future>
#include <memory>
#include <thread>
#include <unistd.h>

namespace deepext {
namespace fs = std::filesystem;
namespace {

constexpr std::uint64_t kBlockBytes = 1u << 20;     // output bytes per row block handed to a worker
constexpr std::uint64_t kCopyChunkBytes = 1u << 20; // untouched tensors are read in chunks of this size
// Blocks computed ahead of the writer thread: deep enough that workers keep computing while it hashes and waits for
// a free sink buffer, small enough for the resident-memory budget.
constexpr std::uint64_t kInFlightBytes = 16u << 20;

void throwIfCancelled(const std::atomic_bool& cancel)
{
    if (cancel.load(std::memory_order_relaxed)) {
        throw Error::cancelled();
    }
}

// Reports progress at most every few megabytes so a GUI is not flooded.
class ProgressReporter
{
public:
    ProgressReporter(const MergeProgressCallback& callback, std::uint64_t total)
        : m_callback(callback)
    {
        m_progress.bytesTotal = total;
    }
    void phase(const std::string& name)
    {
        m_progress.phase = name;
        publish(true);
    }
    void advance(std::uint64_t bytes)
    {
        m_progress.bytesDone += bytes;
        publish(m_progress.bytesDone - m_lastReported >= (16u << 20));
    }
    void finish()
    {
        m_progress.bytesDone = m_progress.bytesTotal;
        publish(true);
    }

private:
    void publish(bool force)
    {
        if (m_callback && force) {
            m_lastReported = m_progress.bytesDone;
            m_callback(m_progress);
        }
    }
    const MergeProgressCallback& m_callback;
    MergeProgress m_progress;
    std::uint64_t m_lastReported = 0;
};

std::string errnoText()
{
    return std::strerror(errno);
}

// Writes a file (copied from `source` or from `content`) with O_EXCL, hashing as it goes, then fsyncs it.
std::string writeModelFile(const ModelFile& file, const std::string& target, const std::atomic_bool& cancel,
                           ProgressReporter& progress)
{
    const int out = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        throw Error("cannot create " + target + ": " + errnoText());
    }
    Sha256 hash;
    const auto writeAll = [&](const char* data, std::size_t size) {
        hash.update(data, size);
        while (size > 0) {
            const ssize_t n = ::write(out, data, size);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                const bool full = errno == ENOSPC || errno == EDQUOT;
                const std::string why = errnoText();
                ::close(out);
                throw Error(full ? "the disk is full: cannot write " + target : "cannot write " + target + ": " + why);
            }
            data += n;
            size -= static_cast<std::size_t>(n);
            progress.advance(static_cast<std::uint64_t>(n));
        }
    };
    if (file.sourcePath.empty()) {
        writeAll(file.content.data(), file.content.size());
    } else {
        const int in = ::open(file.sourcePath.c_str(), O_RDONLY | O_CLOEXEC);
        if (in < 0) {
            const std::string why = errnoText();
            ::close(out);
            throw Error("cannot read " + file.sourcePath + ": " + why);
        }
        std::vector<char> buffer(1u << 20);
        for (;;) {
            if (cancel.load(std::memory_order_relaxed)) {
                ::close(in);
                ::close(out);
                throw Error::cancelled();
            }
            const ssize_t n = ::read(in, buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                const std::string why = errnoText();
                ::close(in);
                ::close(out);
                throw Error("cannot read " + file.sourcePath + ": " + why);
            }
            if (n == 0) {
                break;
            }
            writeAll(buffer.data(), static_cast<std::size_t>(n));
        }
        ::close(in);
    }
    if (::fsync(out) != 0 || ::close(out) != 0) {
        throw Error("cannot write " + target + ": " + errnoText());
    }
    return hash.finalHex();
}

BaseConfigFacts readBaseFacts(const std::string& baseDirectory)
{
    BaseConfigFacts facts;
    const fs::path path = fs::path(baseDirectory) / "config.json";
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return facts;
    }
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(readWholeFile(path.string()));
    } catch (const nlohmann::json::exception& e) {
        throw Error("the base model's config.json at " + path.string() + " is not valid JSON", e.what());
    }
    if (!config.is_object()) {
        throw Error("the base model's config.json at " + path.string() + " is not a JSON object");
    }
    const nlohmann::json* text =
        config.contains("text_config") && config["text_config"].is_object() ? &config["text_config"] : nullptr;
    const auto lookup = [&](const char* key) -> const nlohmann::json* {
        if (config.contains(key)) {
            return &config[key];
        }
        return text && text->contains(key) ? &(*text)[key] : nullptr;
    };
    if (const nlohmann::json* tie = lookup("tie_word_embeddings"); tie && tie->is_boolean()) {
        facts.tieWordEmbeddings = tie->get<bool>();
    }
    if (const nlohmann::json* vocab = lookup("vocab_size"); vocab && vocab->is_number_integer()) {
        facts.vocabSize = vocab->get<std::int64_t>();
    }
    if (config.contains("model_type") && config["model_type"].is_string()) {
        facts.modelType = config["model_type"].get<std::string>();
    }
    return facts;
}

std::string adapterWeightsPath(const std::string& adapterDirectory)
{
    const fs::path safetensors = fs::path(adapterDirectory) / "adapter_model.safetensors";
    std::error_code ec;
    if (fs::is_regular_file(safetensors, ec)) {
        return safetensors.string();
    }
    if (fs::is_regular_file(fs::path(adapterDirectory) / "adapter_model.bin", ec)) {
        throw Error("the adapter at " + adapterDirectory +
                        " has only adapter_model.bin (a PyTorch pickle); merging needs adapter_model.safetensors",
                    "Convert it once with Python, in the adapter folder:\n"
                    "  python -c \"import torch; from safetensors.torch import save_file; "
                    "save_file(torch.load('adapter_model.bin', map_location='cpu', weights_only=True), "
                    "'adapter_model.safetensors', metadata={'format': 'pt'})\"\n"
                    "or load it with PEFT and call save_pretrained(dir, safe_serialization=True).");
    }
    throw Error("no adapter_model.safetensors in " + adapterDirectory + " (is this a PEFT adapter folder?)");
}

void checkDirectories(const MergeRequest& request)
{
    std::error_code ec;
    if (!fs::is_directory(request.baseDirectory, ec)) {
        throw Error("the base model folder " + request.baseDirectory + " does not exist");
    }
    if (!fs::is_directory(request.adapterDirectory, ec)) {
        throw Error("the adapter folder " + request.adapterDirectory + " does not exist");
    }
    if (!fs::is_directory(request.outputDirectory, ec)) {
        throw Error("the output folder " + request.outputDirectory + " does not exist");
    }
    if (!fs::is_empty(request.outputDirectory, ec) || ec) {
        throw Error("the output folder " + request.outputDirectory + " is not empty");
    }
}

Dtype forcedDtype(OutputDtype dtype)
{
    switch (dtype) {
    case OutputDtype::BF16:
        return Dtype::BF16;
    case OutputDtype::F16:
        return Dtype::F16;
    default:
        return Dtype::F32;
    }
}

// The merge itself, one instance per call.
class MergeRun
{
public:
    MergeRun(const MergeRequest& request, const MergeProgressCallback& callback, const std::atomic_bool& cancel)
        : m_request(request)
        , m_callback(callback)
        , m_cancel(cancel)
    {
    }

    MergeResult run();

private:
    Dtype outputDtypeOf(const TensorPlan& plan) const
    {
        return m_request.dtype != OutputDtype::Auto && isMergeableFloat(plan.computeDtype)
                   ? forcedDtype(m_request.dtype)
                   : plan.computeDtype;
    }
    std::vector<TensorSpec> specsOf(std::size_t shard) const;
    std::string indexJson() const;
    void writeShard(std::size_t shard, ThreadPool& pool, ProgressReporter& progress);
    void collectShards();
    void abandonShards();
    void removeCreated();

    struct FinishingShard
    {
        std::unique_ptr<SafeTensorsWriter> writer;
        std::future<std::string> sha; // finish(), running in the background
        std::size_t index = 0;
    };

    const MergeRequest& m_request;
    const MergeProgressCallback& m_callback;
    const std::atomic_bool& m_cancel;
    ModelCheckpoint m_base;
    std::unique_ptr<SafeTensorsFile> m_adapter;
    AdapterPlan m_plan;
    std::vector<std::string> m_shardNames;
    MergeResult m_result;
    std::vector<std::string> m_created; // absolute paths, for clean-up on failure
    std::vector<FinishingShard> m_finishing;
};

std::vector<TensorSpec> MergeRun::specsOf(std::size_t shard) const
{
    std::vector<TensorSpec> specs;
    for (const std::string& name : m_plan.shardTensors[shard]) {
        const TensorPlan& plan = m_plan.tensors.at(name);
        specs.push_back(TensorSpec{name, outputDtypeOf(plan), plan.shape});
    }
    return specs;
}

std::string MergeRun::indexJson() const
{
    nlohmann::json index = nlohmann::json::object();
    try {
        const nlohmann::json base = nlohmann::json::parse(readWholeFile(m_base.indexFile));
        if (base.contains("metadata") && base["metadata"].is_object()) {
            index["metadata"] = base["metadata"];
        }
    } catch (const nlohmann::json::exception&) {
        // ModelCheckpoint already validated the weight_map; only the metadata is reused here.
    }
    std::uint64_t totalSize = 0;
    std::uint64_t totalParameters = 0;
    nlohmann::json weightMap = nlohmann::json::object();
    for (std::size_t shard = 0; shard < m_plan.shardTensors.size(); ++shard) {
        for (const std::string& name : m_plan.shardTensors[shard]) {
            const TensorPlan& plan = m_plan.tensors.at(name);
            std::uint64_t count = 1;
            for (const std::int64_t dim : plan.shape) {
                count *= static_cast<std::uint64_t>(dim);
            }
            totalParameters += count;
            totalSize += count * dtypeBits(outputDtypeOf(plan)) / 8;
            weightMap[name] = m_shardNames[shard];
        }
    }
    index["metadata"]["total_size"] = totalSize;
    if (index["metadata"].contains("total_parameters")) {
        index["metadata"]["total_parameters"] = totalParameters;
    }
    index["weight_map"] = weightMap;
    return index.dump(2) + "\n"; // json.dumps(indent=2, sort_keys=True) + "\n", as transformers writes it
}

void MergeRun::writeShard(std::size_t shard, ThreadPool& pool, ProgressReporter& progress)
{
    const SafeTensorsHeader& baseHeader = m_base.shards[shard];
    const std::unique_ptr<SafeTensorsFile> baseFile = SafeTensorsFile::open(baseHeader.path);
    const std::string target = (fs::path(m_request.outputDirectory) / m_shardNames[shard]).string();
    m_finishing.push_back(FinishingShard{std::make_unique<SafeTensorsWriter>(target, specsOf(shard)), {}, shard});
    SafeTensorsWriter& writer = *m_finishing.back().writer;
    m_created.push_back(target);
    progress.advance(writer.header().dataOffset);

    // Row blocks are computed (or, for untouched tensors, read) by the pool and appended here in file order.
    // Bounded, so only a few blocks are ever resident.
    const std::size_t maxPending = std::max<std::size_t>(2 * pool.size() + 2, kInFlightBytes / kBlockBytes);
    OrderedBlockWriter blocks(
        pool, m_cancel,
        [&](const std::uint8_t* bytes, std::uint64_t size) {
            writer.append(bytes, size);
            progress.advance(size);
        },
        maxPending);
    for (const TensorInfo& out : writer.header().tensors) {
        throwIfCancelled(m_cancel);
        if (out.byteSize() == 0) {
            continue;
        }
        const TensorPlan& plan = m_plan.tensors.at(out.name);
        const TensorInfo* baseInfo = plan.baseName.empty() ? nullptr : baseFile->header().find(plan.baseName);
        if (plan.untouched() && baseInfo && out.dtype == baseInfo->dtype) {
            // Copied bytes are read by the pool too (pread into a recycled buffer): the writer thread only
            // hashes and hands buffers to the disk.
            const SafeTensorsFile* file = baseFile.get();
            for (std::uint64_t offset = 0; offset < out.byteSize(); offset += kCopyChunkBytes) {
                const std::uint64_t size = std::min(kCopyChunkBytes, out.byteSize() - offset);
                const std::uint64_t begin = baseInfo->begin + offset;
                blocks.submit(size, [file, begin, size](std::uint8_t* bytes) { file->read(begin, size, bytes); });
            }
            continue;
        }
        auto job = std::make_shared<TensorJob>(plan, out.dtype, baseFile.get(), baseInfo, *m_adapter);
        job->prepare(m_cancel);
        const std::uint64_t rowBytes = std::max<std::uint64_t>(job->outputRowBytes(), 1);
        const std::int64_t rowsPerBlock = static_cast<std::int64_t>(std::max<std::uint64_t>(1, kBlockBytes / rowBytes));
        for (std::int64_t begin = 0; begin < job->rows(); begin += rowsPerBlock) {
            const std::int64_t end = std::min(job->rows(), begin + rowsPerBlock);
            const std::uint64_t size = static_cast<std::uint64_t>(end - begin) * job->outputRowBytes();
            blocks.submit(
                size, [job, begin, end](std::uint8_t* bytes) { job->computeRows(begin, end, bytes); },
                [job, begin, end] { job->release(begin, end); });
        }
    }
    blocks.finish();
    // finish() waits for the disk (fsync): let it run while the next shard is computed.
    m_finishing.back().sha = std::async(std::launch::async, [&writer] { return writer.finish(); });
}

void MergeRun::collectShards()
{
    for (FinishingShard& shard : m_finishing) {
        const std::string sha = shard.sha.get();
        m_result.files.push_back(ManifestEntry{m_shardNames[shard.index], shard.writer->fileSize(), sha});
        m_result.bytesWritten += shard.writer->fileSize();
    }
    m_finishing.clear();
}

void MergeRun::abandonShards()
{
    for (FinishingShard& shard : m_finishing) {
        if (shard.sha.valid()) {
            shard.sha.wait();
        }
    }
    m_finishing.clear(); // destroying an unfinished writer deletes its partial file
}

void MergeRun::removeCreated()
{
    std::error_code ec;
    for (auto it = m_created.rbegin(); it != m_created.rend(); ++it) {
        fs::remove(*it, ec);
    }
}

MergeResult MergeRun::run()
{
    const auto started = std::chrono::steady_clock::now();
    checkDirectories(m_request);
    {
        ProgressReporter planning(m_callback, 0);
        planning.phase("planning");
    }

    // 1. Plan and validate everything before the first byte is written.
    const AdapterConfig config =
        AdapterConfig::fromFile((fs::path(m_request.adapterDirectory) / "adapter_config.json").string());
    m_adapter = SafeTensorsFile::open(adapterWeightsPath(m_request.adapterDirectory));
    m_base = ModelCheckpoint::scan(m_request.baseDirectory);
    const BaseConfigFacts facts = readBaseFacts(m_request.baseDirectory);
    m_plan = AdapterPlan::build(config, m_base, m_adapter->header(), facts);
    m_result.warnings = config.warnings;
    m_result.warnings.insert(m_result.warnings.end(), m_plan.warnings.begin(), m_plan.warnings.end());
    if (auto noOp = NoOpAdapterCheck::warning(m_plan, *m_adapter, m_base, m_cancel)) {
        m_result.warnings.push_back(std::move(*noOp));
    }

    for (const SafeTensorsHeader& shard : m_base.shards) {
        m_shardNames.push_back(fs::path(shard.path).filename().string());
    }
    std::uint64_t total = 0;
    for (std::size_t shard = 0; shard < m_base.shards.size(); ++shard) {
        total += planSafeTensorsFile(m_shardNames[shard], specsOf(shard)).header.fileSize;
    }
    ConfigEdits edits;
    edits.vocabSize = m_plan.newVocabSize;
    edits.untieEmbeddings = m_plan.untieEmbeddings;
    if (m_request.dtype != OutputDtype::Auto) {
        edits.dtype = forcedDtype(m_request.dtype);
    }
    const std::vector<ModelFile> files = ModelFiles::collect(m_request.baseDirectory, m_request.adapterDirectory, edits,
                                                             m_result.configChanges, m_result.warnings);
    for (const ModelFile& file : files) {
        total += file.size;
    }
    const std::string index = m_base.isSharded() ? indexJson() : std::string();
    total += index.size();
    ensureFreeSpace(m_request.outputDirectory, total);
    throwIfCancelled(m_cancel);

    // 2. Write.
    const unsigned threads = m_request.threads > 0 ? static_cast<unsigned>(m_request.threads)
                                                   : std::max(1u, std::thread::hardware_concurrency());
    logging::merge()->info("merging {} into {}: {} LoRA modules, {} threads", m_request.adapterDirectory,
                           m_request.baseDirectory, m_plan.scalings.size(), threads);
    ProgressReporter progress(m_callback, total);
    try {
        {
            ThreadPool pool(threads);
            progress.phase("merging");
            for (std::size_t shard = 0; shard < m_base.shards.size(); ++shard) {
                writeShard(shard, pool, progress);
            }
        }
        collectShards();
        progress.phase("copying files");
        for (const ModelFile& file : files) {
            const fs::path target = fs::path(m_request.outputDirectory) / file.relativePath;
            if (target.parent_path() != fs::path(m_request.outputDirectory) && !fs::exists(target.parent_path())) {
                fs::create_directories(target.parent_path());
                m_created.push_back(target.parent_path().string());
            }
            m_created.push_back(target.string());
            const std::string sha = writeModelFile(file, target.string(), m_cancel, progress);
            m_result.files.push_back(ManifestEntry{file.relativePath, file.size, sha});
            m_result.bytesWritten += file.size;
        }
        if (!index.empty()) {
            const std::string name = fs::path(m_base.indexFile).filename().string();
            const fs::path target = fs::path(m_request.outputDirectory) / name;
            m_created.push_back(target.string());
            ModelFile file;
            file.relativePath = name;
            file.content = index;
            file.size = index.size();
            const std::string sha = writeModelFile(file, target.string(), m_cancel, progress);
            m_result.files.push_back(ManifestEntry{name, file.size, sha});
            m_result.bytesWritten += file.size;
        }
        progress.phase("syncing");
        syncPath((fs::path(m_request.outputDirectory) / "additional_chat_templates").string());
        syncPath(m_request.outputDirectory);
    } catch (...) {
        abandonShards();
        removeCreated();
        throw;
    }
    progress.finish();

    std::sort(m_result.files.begin(), m_result.files.end(),
              [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
    m_result.outputDtype = outputDtypeName(m_request.dtype);
    m_result.tensorsMerged = m_plan.mergedCount();
    m_result.tensorsReplaced = m_plan.replacedCount();
    m_result.tensorsCopied = m_plan.copiedCount();
    m_result.scalings = m_plan.scalings;
    m_result.durationSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    logging::merge()->info("merged into {} in {:.2f} s ({} tensors merged, {} replaced, {} copied)",
                           m_request.outputDirectory, m_result.durationSeconds, m_result.tensorsMerged,
                           m_result.tensorsReplaced, m_result.tensorsCopied);
    return m_result;
}

} // namespace

MergeResult LoraMerger::merge(const MergeRequest& request, const MergeProgressCallback& progress,
                              const std::atomic_bool& cancel)
{
    return MergeRun(request, progress, cancel).run();
}

} // namespace deepext
