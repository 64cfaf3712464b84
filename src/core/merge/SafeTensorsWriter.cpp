#include "deepext/merge/SafeTensorsWriter.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Sha256.h"
#include "deepext/merge/FileSink.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <unistd.h>

namespace deepext {
namespace {

constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

// serde_json's string escaping, which the reference writer uses: '"', '\\' and control characters only;
// everything else (including non-ASCII and DEL) verbatim.
void appendJsonString(std::string& out, const std::string& text)
{
    static const char* hex = "0123456789abcdef";
    out.push_back('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (byte < 0x20) {
                out += "\\u00";
                out.push_back(hex[byte >> 4]);
                out.push_back(hex[byte & 0xf]);
            } else {
                out.push_back(c);
            }
        }
    }
    out.push_back('"');
}

bool isValidUtf8(const std::string& text)
{
    // The reader's strict rules (Rust String): what we write must read back.
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = s[i];
        std::size_t length = 1;
        unsigned char low = 0x80;
        unsigned char high = 0xbf;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            low = c == 0xe0 ? 0xa0 : 0x80;
            high = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            low = c == 0xf0 ? 0x90 : 0x80;
            high = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            return false;
        }
        if (i + length > n || s[i + 1] < low || s[i + 1] > high) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

} // namespace

SafeTensorsPlan planSafeTensorsFile(const std::string& path, const std::vector<TensorSpec>& specs,
                                    const std::map<std::string, std::string>& metadata)
{
    std::vector<const TensorSpec*> order;
    order.reserve(specs.size());
    std::set<std::string> names;
    for (const TensorSpec& spec : specs) {
        if (spec.name == "__metadata__") {
            throw Error("cannot write " + path + ": \"__metadata__\" is reserved and cannot name a tensor");
        }
        if (!names.insert(spec.name).second) {
            throw Error("cannot write " + path + ": the tensor \"" + spec.name + "\" is listed twice");
        }
        if (!isValidUtf8(spec.name)) {
            throw Error("cannot write " + path + ": a tensor name is not valid UTF-8");
        }
        order.push_back(&spec);
    }
    for (const auto& [key, value] : metadata) {
        if (!isValidUtf8(key) || !isValidUtf8(value)) {
            throw Error("cannot write " + path + ": metadata \"" + key + "\" is not valid UTF-8");
        }
    }
    std::sort(order.begin(), order.end(), [](const TensorSpec* a, const TensorSpec* b) {
        if (a->dtype != b->dtype) {
            return a->dtype > b->dtype;
        }
        return a->name < b->name; // std::string compares as unsigned bytes, like Rust's String
    });

    SafeTensorsPlan plan;
    SafeTensorsHeader& header = plan.header;
    header.path = path;
    header.metadata = metadata;
    std::string& json = plan.headerBytes;
    json.push_back('{');
    bool first = true;
    if (!metadata.empty()) {
        json += "\"__metadata__\":{";
        for (auto it = metadata.begin(); it != metadata.end(); ++it) {
            if (it != metadata.begin()) {
                json.push_back(',');
            }
            appendJsonString(json, it->first);
            json.push_back(':');
            appendJsonString(json, it->second);
        }
        json.push_back('}');
        first = false;
    }
    std::uint64_t offset = 0;
    for (const TensorSpec* spec : order) {
        TensorInfo info;
        info.name = spec->name;
        info.dtype = spec->dtype;
        info.shape = spec->shape;
        std::uint64_t bits = dtypeBits(spec->dtype);
        for (const std::int64_t dimension : spec->shape) {
            if (dimension < 0) {
                throw Error("cannot write " + path + ": the tensor \"" + spec->name + "\" has a negative dimension");
            }
            if (__builtin_mul_overflow(bits, static_cast<std::uint64_t>(dimension), &bits)) {
                throw Error("cannot write " + path + ": the size of the tensor \"" + spec->name + "\" overflows");
            }
        }
        if (bits % 8 != 0) {
            throw Error("cannot write " + path + ": the tensor \"" + spec->name +
                        "\" is not a whole number of bytes of " + dtypeName(spec->dtype));
        }
        info.begin = offset;
        if (__builtin_add_overflow(offset, bits / 8, &info.end)) {
            throw Error("cannot write " + path + ": the tensors' total size overflows");
        }
        offset = info.end;

        if (!first) {
            json.push_back(',');
        }
        first = false;
        appendJsonString(json, info.name);
        json += ":{\"dtype\":\"" + dtypeName(info.dtype) + "\",\"shape\":[";
        for (std::size_t i = 0; i < info.shape.size(); ++i) {
            if (i > 0) {
                json.push_back(',');
            }
            json += std::to_string(info.shape[i]);
        }
        json += "],\"data_offsets\":[" + std::to_string(info.begin) + "," + std::to_string(info.end) + "]}";
        header.tensors.push_back(std::move(info));
    }
    json.push_back('}');
    json.append((8 - json.size() % 8) % 8, ' ');
    if (json.size() > kMaxHeaderSize) {
        throw Error("cannot write " + path + ": the header would be " + std::to_string(json.size()) +
                    " bytes, over the safetensors limit of 100,000,000");
    }
    header.headerSize = json.size();
    header.dataOffset = 8 + header.headerSize;
    header.fileSize = header.dataOffset + offset;
    return plan;
}

struct SafeTensorsWriter::State
{
    SafeTensorsHeader header;
    std::string tempPath;
    int fd = -1;
    Sha256 sha;
    std::unique_ptr<FileSink> sink;
    std::uint64_t filePosition = 0; // bytes handed to the writer (header included)
    std::size_t tensorIndex = 0;    // first tensor not yet complete
    bool failed = false;
    bool finished = false;
    std::uint64_t faultLimit = UINT64_MAX; // test hook: simulated ENOSPC past this file size
    std::mutex mutex;

    std::uint64_t bufferPosition() const { return filePosition - header.dataOffset; }

    void skipCompleteTensors()
    {
        while (tensorIndex < header.tensors.size() && header.tensors[tensorIndex].end <= bufferPosition()) {
            ++tensorIndex;
        }
    }

    void put(const void* data, std::uint64_t size)
    {
        const auto* bytes = static_cast<const std::uint8_t*>(data);
        sha.update(bytes, static_cast<std::size_t>(size));
        filePosition += size;
        try {
            sink->write(bytes, static_cast<std::size_t>(size));
        } catch (...) {
            failed = true;
            throw;
        }
    }

    void checkUsable() const
    {
        if (finished) {
            throw Error("internal error: " + header.path + " is already finished");
        }
        if (failed) {
            throw Error("cannot write " + header.path + ": an earlier write failed");
        }
    }

    void closeAndRemove()
    {
        sink.reset(); // its thread writes to fd
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
        if (!tempPath.empty()) {
            ::unlink(tempPath.c_str());
        }
    }
};

SafeTensorsWriter::SafeTensorsWriter(const std::string& path, const std::vector<TensorSpec>& specs,
                                     const std::map<std::string, std::string>& metadata)
    : m_state(std::make_unique<State>())
{
    namespace fs = std::filesystem;
    SafeTensorsPlan plan = planSafeTensorsFile(path, specs, metadata);
    State& state = *m_state;
    state.header = std::move(plan.header);
#ifdef DEEPEXT_FAULT_HOOKS
    if (const char* limit = std::getenv("DEEPEXT_FAULT_DISK_FULL_AFTER")) {
        state.faultLimit = std::strtoull(limit, nullptr, 10);
    }
#endif

    // Written under a sibling temp name and renamed by finish(), as the reference writer does: a failed or
    // interrupted write never leaves a truncated file under the real name, nor clobbers an existing one.
    const fs::path target(path);
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::random_device random;
    state.tempPath = (directory / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(random())))
                         .string();
    state.fd = ::open(state.tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (state.fd < 0) {
        const int error = errno;
        state.tempPath.clear();
        if (error == ENOSPC || error == EDQUOT) {
            throwFileWriteError(path, error);
        }
        throw Error("cannot write " + path + ": " + std::strerror(error) +
                    " (check that the folder exists and is writable)");
    }
    try {
        state.sink = std::make_unique<FileSink>(state.fd, path, state.header.fileSize, state.faultLimit);
        std::uint8_t length[8];
        for (int i = 0; i < 8; ++i) {
            length[i] = static_cast<std::uint8_t>(state.header.headerSize >> (8 * i));
        }
        state.put(length, sizeof length);
        state.put(plan.headerBytes.data(), plan.headerBytes.size());
        state.skipCompleteTensors();
    } catch (...) {
        state.closeAndRemove();
        throw;
    }
}

SafeTensorsWriter::~SafeTensorsWriter()
{
    if (!m_state->finished) {
        m_state->closeAndRemove();
    }
}

const SafeTensorsHeader& SafeTensorsWriter::header() const
{
    return m_state->header;
}

std::uint64_t SafeTensorsWriter::fileSize() const
{
    return m_state->header.fileSize;
}

std::uint64_t SafeTensorsWriter::bufferPosition() const
{
    std::lock_guard lock(m_state->mutex);
    return m_state->bufferPosition();
}

const TensorInfo* SafeTensorsWriter::currentTensor() const
{
    std::lock_guard lock(m_state->mutex);
    const State& state = *m_state;
    return state.tensorIndex < state.header.tensors.size() ? &state.header.tensors[state.tensorIndex] : nullptr;
}

void SafeTensorsWriter::append(const void* data, std::uint64_t size)
{
    std::lock_guard lock(m_state->mutex);
    State& state = *m_state;
    state.checkUsable();
    if (size > state.header.fileSize - state.filePosition) {
        throw Error("internal error: " + std::to_string(size) + " bytes appended to " + state.header.path +
                    " past the end of its tensor data");
    }
    state.put(data, size);
    state.skipCompleteTensors();
}

void SafeTensorsWriter::writeAt(const std::string& name, std::uint64_t offsetInTensor, const void* data,
                                std::uint64_t size)
{
    {
        std::lock_guard lock(m_state->mutex);
        const State& state = *m_state;
        state.checkUsable();
        const TensorInfo* current =
            state.tensorIndex < state.header.tensors.size() ? &state.header.tensors[state.tensorIndex] : nullptr;
        const std::uint64_t expected = current ? state.bufferPosition() - current->begin : 0;
        if (!current || current->name != name || offsetInTensor != expected || size > current->byteSize() - expected) {
            throw Error("internal error: out-of-order write to " + state.header.path + ": tensor \"" + name + "\" at " +
                        std::to_string(offsetInTensor) + " (" + std::to_string(size) +
                        " bytes), but the next bytes belong to " +
                        (current ? "\"" + current->name + "\" at " + std::to_string(expected) : "no tensor"));
        }
    }
    append(data, size);
}

std::string SafeTensorsWriter::finish()
{
    std::lock_guard lock(m_state->mutex);
    State& state = *m_state;
    state.checkUsable();
    if (state.filePosition != state.header.fileSize) {
        throw Error("internal error: only " + std::to_string(state.bufferPosition()) + " of " +
                    std::to_string(state.header.fileSize - state.header.dataOffset) + " tensor bytes of " +
                    state.header.path + " were written");
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
        throwFileWriteError(state.header.path, errno);
    }
    const int fd = state.fd;
    state.fd = -1;
    if (::close(fd) != 0) {
        state.failed = true;
        throwFileWriteError(state.header.path, errno);
    }
    if (::rename(state.tempPath.c_str(), state.header.path.c_str()) != 0) {
        const int error = errno;
        state.failed = true;
        throw Error("cannot write " + state.header.path + ": renaming the finished file failed (" +
                    std::strerror(error) + ")");
    }
    state.finished = true;
    state.tempPath.clear();
    const std::filesystem::path target(state.header.path);
    syncPath(target.has_parent_path() ? target.parent_path().string() : std::string("."));
    return state.sha.finalHex();
}

std::string writeSafeTensorsFile(const std::string& path, const std::vector<TensorBlob>& tensors,
                                 const std::map<std::string, std::string>& metadata)
{
    std::vector<TensorSpec> specs;
    std::map<std::string, const TensorBlob*> byName;
    specs.reserve(tensors.size());
    for (const TensorBlob& blob : tensors) {
        specs.push_back(blob.spec);
        byName.emplace(blob.spec.name, &blob);
    }
    SafeTensorsWriter writer(path, specs, metadata);
    for (const TensorInfo& info : writer.header().tensors) {
        const TensorBlob& blob = *byName.at(info.name);
        if (blob.bytes.size() != info.byteSize()) {
            throw Error("cannot write " + path + ": the tensor \"" + info.name + "\" has " +
                        std::to_string(blob.bytes.size()) + " bytes but its shape needs " +
                        std::to_string(info.byteSize()));
        }
        writer.append(blob.bytes.data(), blob.bytes.size());
    }
    return writer.finish();
}

} // namespace deepext
