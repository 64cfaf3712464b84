#include "deepext/gguf/GgufWriter.h"

#include "GgufEncoder.h"
#include "deepext/base/Error.h"
#include "deepext/base/Sha256.h"
#include "deepext/merge/FileSink.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unistd.h>

namespace deepext::gguf {
namespace {

constexpr std::uint32_t kGgufVersion = 3;

std::uint64_t paddedSize(std::uint64_t size, std::uint64_t alignment)
{
    return (size + alignment - 1) / alignment * alignment;
}

// The variant alternative a scalar of `type` holds (GgufValue::Scalar lists the types in on-disk order, Array aside).
std::size_t alternativeOf(GgufValueType type)
{
    const auto value = static_cast<std::size_t>(type);
    return value < static_cast<std::size_t>(GgufValueType::Array) ? value : value - 1;
}

void checkValue(const std::string& path, const std::string& key, const GgufValue& value)
{
    const auto fail = [&](const std::string& why) {
        throw Error("cannot write " + path + ": the metadata value of \"" + key + "\" " + why);
    };
    const auto checkScalar = [&](GgufValueType type, const GgufValue::Scalar& scalar) {
        if (type == GgufValueType::Array || static_cast<std::uint32_t>(type) > 12 ||
            scalar.index() != alternativeOf(type)) {
            fail("does not hold a " + ggufValueTypeName(type));
        }
        if (type == GgufValueType::String && !isValidUtf8(std::get<std::string>(scalar))) {
            fail("is not valid UTF-8");
        }
    };
    if (value.isArray()) {
        for (const GgufValue::Scalar& element : value.elements()) {
            checkScalar(value.elementType(), element);
        }
    } else {
        checkScalar(value.type(), value.scalar());
    }
}

std::uint32_t alignmentOf(const std::string& path, const GgufMetadata& metadata)
{
    const GgufValue* value = metadata.find("general.alignment");
    if (!value) {
        return kGgufDefaultAlignment;
    }
    if (value->type() != GgufValueType::UInt32) {
        throw Error("cannot write " + path + ": general.alignment must be a UINT32, not " +
                    ggufValueTypeName(value->type()));
    }
    const std::uint32_t alignment = value->asUInt32();
    if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
        throw Error("cannot write " + path + ": general.alignment " + std::to_string(alignment) +
                    " is not a power of two");
    }
    return alignment;
}

} // namespace

std::uint64_t GgufTensorInfo::elementCount() const
{
    std::uint64_t count = 1;
    for (const std::uint64_t n : ne) {
        count *= n;
    }
    return count;
}

std::uint64_t GgufTensorInfo::byteSize() const
{
    if (ne.empty()) {
        return 0;
    }
    std::uint64_t size = ggmlRowBytes(type, ne[0]);
    for (std::size_t i = 1; i < ne.size(); ++i) {
        size *= ne[i];
    }
    return size;
}

GgufFilePlan planGgufFile(const std::string& path, const GgufMetadata& metadata, std::vector<GgufTensorInfo> tensors)
{
    GgufFilePlan plan;
    plan.path = path;
    plan.alignment = alignmentOf(path, metadata);

    std::string& header = plan.headerBytes;
    GgufEncoder out(header);
    header.append("GGUF");
    out.u32(kGgufVersion);
    out.u64(tensors.size());
    out.u64(metadata.size());
    std::set<std::string> keys;
    for (const GgufKeyValue& entry : metadata.entries()) {
        if (entry.key.empty() || !isValidUtf8(entry.key)) {
            throw Error("cannot write " + path + ": a metadata key is empty or not valid UTF-8");
        }
        if (!keys.insert(entry.key).second) {
            throw Error("cannot write " + path + ": the metadata key \"" + entry.key + "\" is listed twice");
        }
        checkValue(path, entry.key, entry.value);
        out.string(entry.key);
        out.u32(static_cast<std::uint32_t>(entry.value.type()));
        out.value(entry.value);
    }

    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (GgufTensorInfo& tensor : tensors) {
        const auto fail = [&](const std::string& why) {
            throw Error("cannot write " + path + ": the tensor \"" + tensor.name + "\" " + why);
        };
        if (tensor.name.empty() || tensor.name.size() > kGgufMaxNameBytes || !isValidUtf8(tensor.name)) {
            fail("needs a UTF-8 name of 1 to 63 bytes (llama.cpp's GGML_MAX_NAME)");
        }
        if (!names.insert(tensor.name).second) {
            fail("is listed twice");
        }
        if (tensor.ne.empty() || tensor.ne.size() > kGgufMaxDims) {
            fail("has " + std::to_string(tensor.ne.size()) + " dimensions; GGUF allows 1 to 4");
        }
        std::uint64_t count = 1;
        for (const std::uint64_t n : tensor.ne) {
            if (__builtin_mul_overflow(count, n, &count) || count > static_cast<std::uint64_t>(INT64_MAX)) {
                fail("is too large");
            }
        }
        if (tensor.ne[0] % ggmlBlockSize(tensor.type) != 0) {
            fail("has rows of " + std::to_string(tensor.ne[0]) + " values, not a multiple of the " +
                 std::to_string(ggmlBlockSize(tensor.type)) + "-value blocks of " + ggmlTypeName(tensor.type));
        }
        std::uint64_t size = 0;
        if (__builtin_mul_overflow(tensor.ne[0] / ggmlBlockSize(tensor.type), ggmlTypeSize(tensor.type), &size)) {
            fail("is too large");
        }
        for (std::size_t i = 1; i < tensor.ne.size(); ++i) {
            if (__builtin_mul_overflow(size, tensor.ne[i], &size)) {
                fail("is too large");
            }
        }
        tensor.offset = offset;
        const std::uint64_t padded = paddedSize(size, plan.alignment);
        if (padded < size || __builtin_add_overflow(offset, padded, &offset)) {
            fail("does not fit in a file");
        }
        out.string(tensor.name);
        out.u32(static_cast<std::uint32_t>(tensor.ne.size()));
        for (const std::uint64_t n : tensor.ne) {
            out.u64(n);
        }
        out.u32(static_cast<std::uint32_t>(tensor.type));
        out.u64(tensor.offset);
    }
    header.append(paddedSize(header.size(), plan.alignment) - header.size(), '\0');
    plan.dataOffset = header.size();
    if (__builtin_add_overflow(plan.dataOffset, offset, &plan.fileSize)) {
        throw Error("cannot write " + path + ": the tensors do not fit in a file");
    }
    plan.tensors = std::move(tensors);
    return plan;
}

struct GgufWriter::State
{
    GgufFilePlan plan;
    int fd = -1;
    bool created = false;
    Sha256 sha;
    std::unique_ptr<FileSink> sink;
    std::uint64_t position = 0;  // file bytes handed to the sink
    std::size_t tensorIndex = 0; // the tensor the next data byte belongs to
    std::uint64_t inTensor = 0;  // bytes of that tensor written so far
    std::uint64_t faultLimit = UINT64_MAX;
    bool failed = false;
    bool finished = false;

    void put(const void* data, std::uint64_t size)
    {
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        sha.update(bytes, static_cast<std::size_t>(size));
        position += size;
        try {
            sink->write(bytes, static_cast<std::size_t>(size));
        } catch (...) {
            failed = true;
            throw;
        }
    }

    void zeros(std::uint64_t count)
    {
        static const std::uint8_t zero[4096] = {};
        while (count > 0) {
            const std::uint64_t chunk = std::min<std::uint64_t>(count, sizeof zero);
            put(zero, chunk);
            count -= chunk;
        }
    }

    // Steps over every tensor that is complete, writing its padding.
    void closeCompleteTensors()
    {
        while (tensorIndex < plan.tensors.size()) {
            const GgufTensorInfo& tensor = plan.tensors[tensorIndex];
            const std::uint64_t size = tensor.byteSize();
            if (inTensor < size) {
                return;
            }
            zeros(paddedSize(size, plan.alignment) - size);
            ++tensorIndex;
            inTensor = 0;
        }
    }

    void closeAndRemove()
    {
        sink.reset(); // its thread writes to fd
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
        if (created) {
            ::unlink(plan.path.c_str());
            created = false;
        }
    }
};

GgufWriter::GgufWriter(const std::string& path, const GgufMetadata& metadata, std::vector<GgufTensorInfo> tensors)
    : m_state(std::make_unique<State>())
{
    State& state = *m_state;
    state.plan = planGgufFile(path, metadata, std::move(tensors));
#ifdef DEEPEXT_FAULT_HOOKS
    if (const char* limit = std::getenv("DEEPEXT_FAULT_DISK_FULL_AFTER")) {
        state.faultLimit = std::strtoull(limit, nullptr, 10);
    }
#endif
    state.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (state.fd < 0) {
        const int error = errno;
        if (error == ENOSPC || error == EDQUOT) {
            throwFileWriteError(path, error);
        }
        throw Error("cannot write " + path + ": " + std::strerror(error) +
                    (error == EEXIST ? std::string() : " (check that the folder exists and is writable)"));
    }
    state.created = true;
    try {
        state.sink = std::make_unique<FileSink>(state.fd, path, state.plan.fileSize, state.faultLimit);
        state.put(state.plan.headerBytes.data(), state.plan.headerBytes.size());
        state.closeCompleteTensors();
    } catch (...) {
        state.closeAndRemove();
        throw;
    }
}

GgufWriter::~GgufWriter()
{
    if (!m_state->finished) {
        m_state->closeAndRemove();
    }
}

const GgufFilePlan& GgufWriter::plan() const
{
    return m_state->plan;
}

std::uint64_t GgufWriter::bytesWritten() const
{
    return m_state->position;
}

void GgufWriter::append(const void* data, std::uint64_t size)
{
    State& state = *m_state;
    if (state.finished || state.failed) {
        throw Error("cannot write " + state.plan.path + ": " +
                    (state.finished ? "the file is already finished" : "an earlier write failed"));
    }
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    while (size > 0) {
        if (state.tensorIndex >= state.plan.tensors.size()) {
            throw Error("internal error: " + std::to_string(size) + " bytes appended to " + state.plan.path +
                        " past the end of its last tensor");
        }
        const std::uint64_t left = state.plan.tensors[state.tensorIndex].byteSize() - state.inTensor;
        const std::uint64_t chunk = std::min(left, size);
        state.put(bytes, chunk);
        state.inTensor += chunk;
        bytes += chunk;
        size -= chunk;
        state.closeCompleteTensors();
    }
}

std::string GgufWriter::finish()
{
    State& state = *m_state;
    if (state.finished || state.failed) {
        throw Error("cannot write " + state.plan.path + ": " +
                    (state.finished ? "the file is already finished" : "an earlier write failed"));
    }
    if (state.position != state.plan.fileSize) {
        throw Error("internal error: only " + std::to_string(state.position) + " of " +
                    std::to_string(state.plan.fileSize) + " bytes of " + state.plan.path + " were written");
    }
    try {
        state.sink->finish();
    } catch (...) {
        state.failed = true;
        throw;
    }
    state.sink.reset();
    if (::fsync(state.fd) != 0) {
        state.failed = true;
        throwFileWriteError(state.plan.path, errno);
    }
    const int fd = state.fd;
    state.fd = -1;
    if (::close(fd) != 0) {
        state.failed = true;
        throwFileWriteError(state.plan.path, errno);
    }
    state.finished = true;
    return state.sha.finalHex();
}

} // namespace deepext::gguf
