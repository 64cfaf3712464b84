#include "deepext/gguf/GgufExporter.h"

#include "ExportPlanner.h"
#include "TensorConverter.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/FaultInjection.h"
#include "deepext/base/Logging.h"
#include "deepext/gguf/GgufWriter.h"
#include "deepext/merge/DiskSpace.h"
#include "deepext/merge/ModelCheckpoint.h"
#include "deepext/merge/OrderedBlockWriter.h"
#include "deepext/merge/SafeTensorsFile.h"
#include "deepext/merge/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <linux/fs.h>
#include <memory>
#include <random>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

namespace deepext::gguf {
namespace fs = std::filesystem;
namespace {

constexpr std::uint64_t kBlockBytes = 1u << 20; // output bytes per row block handed to a worker
// Blocks computed ahead of the writer thread, as in the merge: workers keep busy while it hashes and waits for the
// sink, and only a few blocks are resident.
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
    explicit ProgressReporter(const MergeProgressCallback& callback)
        : m_callback(callback)
    {
    }
    void phase(const std::string& name, std::uint64_t total)
    {
        m_progress.phase = name;
        m_progress.bytesTotal = total;
        publish(true);
    }
    void set(std::uint64_t done)
    {
        m_progress.bytesDone = done;
        publish(done - m_lastReported >= (16u << 20));
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

// ".<name>.partial-<pid>-<n>" beside the output.
std::string stagingPrefix(const fs::path& output)
{
    return "." + output.filename().string() + ".partial-";
}

// Staging files of this output left by an export that was killed: removed once their process is gone.
void removeAbandonedStaging(const fs::path& output)
{
    const std::string prefix = stagingPrefix(output);
    std::error_code ec;
    for (fs::directory_iterator it(output.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string leaf = it->path().filename().string();
        if (leaf.rfind(prefix, 0) != 0) {
            continue;
        }
        const std::string rest = leaf.substr(prefix.size());
        const std::size_t dash = rest.find('-');
        if (dash == std::string::npos || dash == 0 ||
            !std::all_of(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(dash),
                         [](unsigned char c) { return std::isdigit(c); })) {
            continue;
        }
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
            std::error_code removeError;
            fs::remove(it->path(), removeError);
        }
    }
}

void publish(const std::string& staging, const fs::path& output, bool force)
{
    if (force) {
        if (::rename(staging.c_str(), output.c_str()) != 0) {
            throw Error("cannot write " + output.string() + ": renaming the finished file failed (" +
                        std::strerror(errno) + ")");
        }
        return;
    }
    if (::syscall(SYS_renameat2, AT_FDCWD, staging.c_str(), AT_FDCWD, output.c_str(), RENAME_NOREPLACE) != 0) {
        const int error = errno;
        if (error == EEXIST) {
            throw Error(output.string() + " already exists (nothing was written); choose another file name or " +
                        "replace it with force");
        }
        throw Error("cannot write " + output.string() + ": renaming the finished file failed (" + std::strerror(error) +
                    ")");
    }
}

class ExportRun
{
public:
    ExportRun(const GgufExportRequest& request, const MergeProgressCallback& callback, const std::atomic_bool& cancel)
        : m_request(request)
        , m_progress(callback)
        , m_cancel(cancel)
    {
    }

    GgufExportResult run();

private:
    void checkRequest();
    void writeTensors(GgufWriter& writer, ThreadPool& pool);

    const GgufExportRequest& m_request;
    ProgressReporter m_progress;
    const std::atomic_bool& m_cancel;
    fs::path m_output;
    ModelCheckpoint m_checkpoint;
    ExportPlan m_plan;
};

void ExportRun::checkRequest()
{
    std::error_code ec;
    if (!fs::is_directory(m_request.modelDirectory, ec)) {
        throw Error("the model folder " + m_request.modelDirectory + " does not exist");
    }
    if (m_request.outputPath.empty()) {
        throw Error::usage("no output file given for the GGUF export");
    }
    m_output = fs::absolute(m_request.outputPath).lexically_normal();
    if (m_output.filename().empty()) {
        throw Error::usage("the GGUF output " + m_request.outputPath + " names a folder, not a file");
    }
    if (!fs::is_directory(m_output.parent_path(), ec)) {
        throw Error("the folder " + m_output.parent_path().string() + " that should hold " +
                    m_output.filename().string() + " does not exist");
    }
    const fs::file_status status = fs::symlink_status(m_output, ec);
    if (fs::exists(status)) {
        if (fs::is_directory(status)) {
            throw Error(m_output.string() + " is a folder; give a file name for the GGUF");
        }
        if (!m_request.force) {
            throw Error(m_output.string() + " already exists (nothing was written); choose another file name or " +
                        "replace it with force");
        }
    }
}

void ExportRun::writeTensors(GgufWriter& writer, ThreadPool& pool)
{
    std::vector<std::unique_ptr<SafeTensorsFile>> shards;
    for (const SafeTensorsHeader& shard : m_checkpoint.shards) {
        shards.push_back(SafeTensorsFile::open(shard.path));
    }
    const std::size_t maxPending = std::max<std::size_t>(2 * pool.size() + 2, kInFlightBytes / kBlockBytes);
    OrderedBlockWriter blocks(
        pool, m_cancel,
        [&](const std::uint8_t* bytes, std::uint64_t size) {
            writer.append(bytes, size);
            m_progress.set(writer.bytesWritten());
        },
        maxPending);
    for (const ExportTensor& tensor : m_plan.tensors) {
        throwIfCancelled(m_cancel);
        const SafeTensorsFile* source = tensor.generated ? nullptr : shards[tensor.shard].get();
        auto converter = std::make_shared<TensorConverter>(tensor, source);
        const std::uint64_t rowsPerBlock = converter->rowsPerBlock(kBlockBytes);
        for (std::uint64_t begin = 0; begin < converter->rows(); begin += rowsPerBlock) {
            const std::uint64_t end = std::min(converter->rows(), begin + rowsPerBlock);
            blocks.submit((end - begin) * converter->outputRowBytes(),
                          [converter, begin, end](std::uint8_t* bytes) { converter->convertRows(begin, end, bytes); });
        }
    }
    blocks.finish();
}

GgufExportResult ExportRun::run()
{
    const auto started = std::chrono::steady_clock::now();
    checkRequest();
    m_progress.phase("planning", 0);

    // 1. Plan and validate everything before the first byte is written.
    m_checkpoint = ModelCheckpoint::scan(m_request.modelDirectory);
    m_plan = ExportPlanner::plan(m_request, m_checkpoint);
    std::vector<GgufTensorInfo> infos;
    for (const ExportTensor& tensor : m_plan.tensors) {
        infos.push_back(GgufTensorInfo{tensor.name, tensor.type, tensor.ne, 0});
    }
    const GgufFilePlan layout = planGgufFile(m_output.string(), m_plan.metadata, infos);
    const std::string folder = m_output.parent_path().string();
    const std::uint64_t available = availableBytes(folder);
    if (available < layout.fileSize) {
        throw Error("not enough free disk space in " + folder + ": the GGUF file needs " +
                    formatBytes(layout.fileSize) + " but only " + formatBytes(available) +
                    " is free on that disk; free " + formatBytes(layout.fileSize - available) +
                    " or choose another folder (nothing was written)");
    }
    throwIfCancelled(m_cancel);

    // 2. Stream into a hidden staging file beside the output.
    removeAbandonedStaging(m_output);
    std::random_device random;
    const std::string staging = (m_output.parent_path() / (stagingPrefix(m_output) + std::to_string(::getpid()) + "-" +
                                                           std::to_string(random())))
                                    .string();
    const unsigned threads = m_request.threads > 0 ? static_cast<unsigned>(m_request.threads)
                                                   : std::max(1u, std::thread::hardware_concurrency());
    logging::merge()->info("exporting {} as GGUF {} ({}) into {}: {} tensors, {} bytes, {} threads",
                           m_request.modelDirectory, m_plan.architecture->ggufName, ggufExportTypeName(m_plan.type),
                           m_output.string(), m_plan.tensors.size(), layout.fileSize, threads);
    GgufExportResult result;
    bool staged = false;
    try {
        GgufWriter writer(staging, m_plan.metadata, std::move(infos));
        staged = true;
        m_progress.phase("exporting", layout.fileSize);
        fault::checkpoint("gguf-writing"); // the staging file exists, no tensor is written yet
        {
            ThreadPool pool(threads);
            writeTensors(writer, pool);
        }
        m_progress.phase("syncing", layout.fileSize);
        result.sha256 = writer.finish();
        throwIfCancelled(m_cancel);
        fault::checkpoint("gguf-before-publish");
        publish(staging, m_output, m_request.force);
        staged = false;
        syncPath(m_output.parent_path().string());
    } catch (...) {
        if (staged) {
            ::unlink(staging.c_str()); // a finished but unpublished file; an unfinished one removes itself
        }
        throw;
    }
    m_progress.finish();

    result.path = m_output.string();
    result.size = layout.fileSize;
    result.type = ggufExportTypeName(m_plan.type);
    result.fileType = m_plan.fileType;
    result.architecture = m_plan.architecture->ggufName;
    result.tensorCount = m_plan.tensors.size();
    result.warnings = m_plan.warnings;
    result.durationSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    logging::merge()->info("exported {} ({} bytes, sha256 {}) in {:.2f} s", result.path, result.size, result.sha256,
                           result.durationSeconds);
    return result;
}

} // namespace

GgufExportType ggufExportTypeFromName(const std::string& name)
{
    std::string lowered = name;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lowered == "auto") {
        return GgufExportType::Auto;
    }
    if (lowered == "f32") {
        return GgufExportType::F32;
    }
    if (lowered == "f16") {
        return GgufExportType::F16;
    }
    if (lowered == "bf16") {
        return GgufExportType::BF16;
    }
    if (lowered == "q8_0") {
        return GgufExportType::Q8_0;
    }
    throw Error::usage("unknown GGUF type '" + name + "'; use auto, f32, f16, bf16 or q8_0");
}

std::string ggufExportTypeName(GgufExportType type)
{
    switch (type) {
    case GgufExportType::Auto:
        return "auto";
    case GgufExportType::F32:
        return "f32";
    case GgufExportType::F16:
        return "f16";
    case GgufExportType::BF16:
        return "bf16";
    case GgufExportType::Q8_0:
        return "q8_0";
    }
    return "auto";
}

GgufExportResult GgufExporter::exportModel(const GgufExportRequest& request, const MergeProgressCallback& progress,
                                           const std::atomic_bool& cancel)
{
    return ExportRun(request, progress, cancel).run();
}

} // namespace deepext::gguf
