#include "deepext/merge/SafeTensorsFile.h"

#include "deepext/base/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace deepext {
namespace {

// The reference reader's MAX_HEADER_SIZE.
constexpr std::uint64_t kMaxHeaderSize = 100'000'000;

[[noreturn]] void fail(const std::string& path, const std::string& rule)
{
    throw Error("invalid safetensors file " + path + ": " + rule);
}

std::uint64_t readLittleEndian64(const std::uint8_t* bytes)
{
    std::uint64_t value = 0;
    for (int i = 7; i >= 0; --i) {
        value = (value << 8) | bytes[i];
    }
    return value;
}

// Strict UTF-8 (what Rust's str::from_utf8 accepts): no overlong forms, no surrogates, nothing above U+10FFFF.
// Returns the offset of the first bad byte, or npos.
std::size_t firstInvalidUtf8(std::string_view text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            if (c == 0xe0) {
                low = 0xa0; // overlong
            } else if (c == 0xed) {
                high = 0x9f; // surrogates
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            if (c == 0xf0) {
                low = 0x90; // overlong
            } else if (c == 0xf4) {
                high = 0x8f; // above U+10FFFF
            }
        } else {
            return i;
        }
        if (i + length > n) {
            return i;
        }
        if (s[i + 1] < low || s[i + 1] > high) {
            return i;
        }
        for (std::size_t k = 2; k < length; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) {
                return i;
            }
        }
        i += length;
    }
    return std::string_view::npos;
}

std::uint64_t unsignedValue(const nlohmann::json& value, const std::string& path, const std::string& what)
{
    if (!value.is_number_unsigned()) {
        fail(path, what + " must be a non-negative integer, not " + value.dump());
    }
    return value.get<std::uint64_t>();
}

nlohmann::json parseJson(const std::string& path, std::string_view text)
{
    // The plain parser keeps the last of duplicate keys silently; the callback sees every key, so duplicates
    // (a tensor listed twice, "dtype" given twice) are refused. Nesting is bounded too: a valid header is at most
    // root object > tensor object > shape array, and refusing deeper input early keeps hostile headers cheap.
    std::vector<std::set<std::string>> keysPerObject;
    auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        switch (event) {
        case Event::object_start:
        case Event::array_start:
            if (depth > 2) {
                fail(path, "the header JSON is nested deeper than a safetensors header can be");
            }
            if (event == Event::object_start) {
                keysPerObject.emplace_back();
            }
            break;
        case Event::object_end:
            keysPerObject.pop_back();
            break;
        case Event::key: {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!keysPerObject.back().insert(key).second) {
                fail(path, "the header JSON has the key \"" + key + "\" twice" +
                               (depth == 1 ? " (duplicate tensor name)" : ""));
            }
            break;
        }
        default:
            break;
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), callback);
    } catch (const nlohmann::json::exception& e) {
        fail(path, std::string("the header is not valid JSON (") + e.what() + ")");
    }
}

TensorInfo parseTensor(const std::string& path, const std::string& name, const nlohmann::json& entry)
{
    const std::string where = "tensor \"" + name + "\"";
    if (!entry.is_object()) {
        fail(path, where + " must be an object with dtype, shape and data_offsets");
    }
    // Unknown fields are ignored, as the reference reader (serde without deny_unknown_fields) does.
    const auto dtypeIt = entry.find("dtype");
    const auto shapeIt = entry.find("shape");
    const auto offsetsIt = entry.find("data_offsets");
    if (dtypeIt == entry.end() || shapeIt == entry.end() || offsetsIt == entry.end()) {
        fail(path, where + " must have dtype, shape and data_offsets");
    }
    TensorInfo info;
    info.name = name;
    if (!dtypeIt->is_string()) {
        fail(path, where + ": dtype must be a string");
    }
    const auto dtype = dtypeFromName(dtypeIt->get_ref<const std::string&>());
    if (!dtype) {
        fail(path, where + " has the unknown dtype \"" + dtypeIt->get_ref<const std::string&>() + "\"");
    }
    info.dtype = *dtype;
    if (!shapeIt->is_array()) {
        fail(path, where + ": shape must be an array of non-negative integers");
    }
    for (const auto& dimension : *shapeIt) {
        const std::uint64_t value = unsignedValue(dimension, path, where + ": each shape dimension");
        if (value > static_cast<std::uint64_t>(INT64_MAX)) {
            fail(path, where + ": a shape dimension is too large (" + std::to_string(value) + ")");
        }
        info.shape.push_back(static_cast<std::int64_t>(value));
    }
    if (!offsetsIt->is_array() || offsetsIt->size() != 2) {
        fail(path, where + ": data_offsets must be an array [begin, end]");
    }
    info.begin = unsignedValue((*offsetsIt)[0], path, where + ": data_offsets begin");
    info.end = unsignedValue((*offsetsIt)[1], path, where + ": data_offsets end");
    return info;
}

// Metadata::validate of the reference: offsets contiguous from 0, sizes match shape x dtype. Returns the end of
// the byte buffer the header describes.
std::uint64_t validateLayout(const std::string& path, std::vector<TensorInfo>& tensors)
{
    std::sort(tensors.begin(), tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
        if (a.begin != b.begin) {
            return a.begin < b.begin;
        }
        if (a.end != b.end) {
            return a.end < b.end;
        }
        return a.name < b.name;
    });
    std::uint64_t position = 0;
    for (const TensorInfo& info : tensors) {
        const std::string where = "tensor \"" + info.name + "\"";
        const std::string offsets = "[" + std::to_string(info.begin) + ", " + std::to_string(info.end) + "]";
        if (info.end < info.begin) {
            fail(path, where + " has data_offsets " + offsets + " that end before they begin");
        }
        if (info.begin != position) {
            if (position == 0) {
                fail(path, where + " is the first tensor but its data_offsets " + offsets + " do not start at 0");
            }
            fail(path, where + " has data_offsets " + offsets + " that do not start where the previous tensor ends (" +
                           std::to_string(position) + "): " + (info.begin > position ? "a hole" : "an overlap") +
                           " in the byte buffer");
        }
        position = info.end;
        std::uint64_t elements = 1;
        for (const std::int64_t dimension : info.shape) {
            if (__builtin_mul_overflow(elements, static_cast<std::uint64_t>(dimension), &elements)) {
                fail(path, where + ": the element count of its shape overflows");
            }
        }
        std::uint64_t bits = 0;
        if (__builtin_mul_overflow(elements, static_cast<std::uint64_t>(dtypeBits(info.dtype)), &bits)) {
            fail(path, where + ": the bit count of its shape overflows");
        }
        if (bits % 8 != 0) {
            fail(path, where + " has " + std::to_string(bits) + " bits of " + dtypeName(info.dtype) +
                           " data, not a whole number of bytes (misaligned)");
        }
        if (info.end - info.begin != bits / 8) {
            fail(path, where + " has " + std::to_string(info.end - info.begin) + " bytes in data_offsets but its " +
                           dtypeName(info.dtype) + " shape needs " + std::to_string(bits / 8));
        }
    }
    return position;
}

std::string errnoText(int error)
{
    return std::strerror(error);
}

class FileDescriptor
{
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {
    }
    ~FileDescriptor()
    {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

// Opens a regular file for reading and returns its size.
int openForReading(const std::string& path, std::uint64_t& size)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        throw Error("cannot read " + path + ": " + errnoText(error));
    }
    struct stat info
    {
    };
    if (::fstat(fd, &info) != 0) {
        const int error = errno;
        ::close(fd);
        throw Error("cannot read " + path + ": " + errnoText(error));
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd);
        throw Error("cannot read " + path + ": not a regular file");
    }
    size = static_cast<std::uint64_t>(info.st_size);
    return fd;
}

void readFully(int fd, const std::string& path, std::uint8_t* buffer, std::size_t size, std::uint64_t offset)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, buffer + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int error = errno;
            throw Error("cannot read " + path + ": " + errnoText(error));
        }
        if (n == 0) {
            throw Error("cannot read " + path + ": the file became shorter while it was read");
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace

std::uint64_t TensorInfo::elementCount() const
{
    std::uint64_t count = 1;
    for (const std::int64_t dimension : shape) {
        count *= static_cast<std::uint64_t>(dimension);
    }
    return count;
}

const TensorInfo* SafeTensorsHeader::find(const std::string& name) const
{
    for (const TensorInfo& tensor : tensors) {
        if (tensor.name == name) {
            return &tensor;
        }
    }
    return nullptr;
}

SafeTensorsHeader parseSafeTensorsHeader(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                                         std::uint64_t fileSize)
{
    if (fileSize < 8 || available < 8) {
        fail(path, "the file is " + std::to_string(fileSize) +
                       " bytes long, too small for the 8-byte header length (header too small)");
    }
    const std::uint64_t headerSize = readLittleEndian64(bytes);
    if (headerSize > kMaxHeaderSize) {
        fail(path, "the header length " + std::to_string(headerSize) + " is larger than the limit of " +
                       std::to_string(kMaxHeaderSize) + " bytes (header too large)");
    }
    if (headerSize > fileSize - 8) {
        fail(path, "the header length " + std::to_string(headerSize) + " goes beyond the end of the " +
                       std::to_string(fileSize) + "-byte file (invalid header length)");
    }
    if (available - 8 < headerSize) {
        fail(path, "only " + std::to_string(available) + " bytes of the header could be read");
    }
    const std::string_view text(reinterpret_cast<const char*>(bytes + 8), static_cast<std::size_t>(headerSize));
    if (const std::size_t bad = firstInvalidUtf8(text); bad != std::string_view::npos) {
        fail(path, "the header is not valid UTF-8 (bad byte at header offset " + std::to_string(bad) + ")");
    }
    if (text.starts_with("\xef\xbb\xbf")) {
        // nlohmann skips a byte-order mark; the reference parser does not.
        fail(path, "the header starts with a byte-order mark, which is not valid JSON here");
    }
    if (text.find('\0') != std::string_view::npos) {
        // nlohmann stops at a NUL as if the input ended there, which would accept "{}\0anything".
        fail(path, "the header is not valid JSON (it contains a NUL byte)");
    }
    const nlohmann::json root = parseJson(path, text);
    if (!root.is_object()) {
        fail(path, "the header must be a JSON object, not " + std::string(root.type_name()));
    }

    SafeTensorsHeader header;
    header.path = path;
    header.headerSize = headerSize;
    header.dataOffset = 8 + headerSize;
    header.fileSize = fileSize;
    for (const auto& [key, value] : root.items()) {
        if (key == "__metadata__") {
            if (value.is_null()) {
                continue; // serde's Option<HashMap> reads null as absent
            }
            if (!value.is_object()) {
                fail(path, "__metadata__ must be an object of string values");
            }
            for (const auto& [metaKey, metaValue] : value.items()) {
                if (!metaValue.is_string()) {
                    fail(path, "__metadata__ value \"" + metaKey + "\" is " + std::string(metaValue.type_name()) +
                                   ", but metadata values must be strings");
                }
                header.metadata.emplace(metaKey, metaValue.get<std::string>());
            }
            continue;
        }
        header.tensors.push_back(parseTensor(path, key, value));
    }
    const std::uint64_t bufferSize = validateLayout(path, header.tensors);
    const std::uint64_t actual = fileSize - header.dataOffset;
    if (bufferSize != actual) {
        fail(path, "the tensors cover " + std::to_string(bufferSize) + " bytes but the file has " +
                       std::to_string(actual) + " bytes after the header (" +
                       (bufferSize < actual ? "trailing bytes, file not fully covered" : "the file is truncated") +
                       ")");
    }
    return header;
}

SafeTensorsHeader readSafeTensorsHeader(const std::string& path)
{
    std::uint64_t fileSize = 0;
    const FileDescriptor fd(openForReading(path, fileSize));
    std::vector<std::uint8_t> bytes(8, 0);
    if (fileSize < 8) {
        return parseSafeTensorsHeader(path, bytes.data(), 0, fileSize); // throws "too small"
    }
    readFully(fd.get(), path, bytes.data(), 8, 0);
    const std::uint64_t headerSize = readLittleEndian64(bytes.data());
    if (headerSize > kMaxHeaderSize || headerSize > fileSize - 8) {
        return parseSafeTensorsHeader(path, bytes.data(), 8, fileSize); // throws the length error
    }
    bytes.resize(8 + static_cast<std::size_t>(headerSize));
    readFully(fd.get(), path, bytes.data() + 8, static_cast<std::size_t>(headerSize), 8);
    return parseSafeTensorsHeader(path, bytes.data(), bytes.size(), fileSize);
}

std::unique_ptr<SafeTensorsFile> SafeTensorsFile::open(const std::string& path)
{
    std::uint64_t fileSize = 0;
    FileDescriptor fd(openForReading(path, fileSize));
    if (fileSize < 8) {
        const std::uint8_t none[8] = {};
        parseSafeTensorsHeader(path, none, 0, fileSize); // throws "too small"
    }
    if constexpr (sizeof(std::size_t) < sizeof(std::uint64_t)) {
        if (fileSize > SIZE_MAX) {
            throw Error("cannot map " + path + ": the file is larger than the address space");
        }
    }
    void* mapping = ::mmap(nullptr, static_cast<std::size_t>(fileSize), PROT_READ, MAP_SHARED, fd.get(), 0);
    if (mapping == MAP_FAILED) {
        const int error = errno;
        throw Error("cannot map " + path + " into memory: " + errnoText(error));
    }
    std::unique_ptr<SafeTensorsFile> file(new SafeTensorsFile());
    file->m_mapping = static_cast<const std::uint8_t*>(mapping);
    file->m_mappingSize = static_cast<std::size_t>(fileSize);
    // Tensors are read front to back: let the kernel read ahead aggressively.
    ::madvise(mapping, file->m_mappingSize, MADV_SEQUENTIAL);
    file->m_header = parseSafeTensorsHeader(path, file->m_mapping, file->m_mappingSize, fileSize);
    file->m_fd = fd.release();
    return file;
}

SafeTensorsFile::~SafeTensorsFile()
{
    if (m_mapping) {
        ::munmap(const_cast<std::uint8_t*>(m_mapping), m_mappingSize);
    }
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

void SafeTensorsFile::read(std::uint64_t begin, std::uint64_t size, void* out) const
{
    const std::uint64_t bufferSize = m_header.fileSize - m_header.dataOffset;
    if (begin > bufferSize || size > bufferSize - begin) {
        throw Error("internal error: a read past the end of the tensor data of " + m_header.path);
    }
    readFully(m_fd, m_header.path, static_cast<std::uint8_t*>(out), static_cast<std::size_t>(size),
              m_header.dataOffset + begin);
}

const std::uint8_t* SafeTensorsFile::tensorData(const TensorInfo& tensor) const
{
    if (tensor.end < tensor.begin || tensor.end > m_header.fileSize - m_header.dataOffset) {
        throw Error("tensor \"" + tensor.name + "\" does not lie inside " + m_header.path);
    }
    return m_mapping + m_header.dataOffset + tensor.begin;
}

void SafeTensorsFile::releaseRange(std::uint64_t begin, std::uint64_t end) const
{
    const std::uint64_t bufferSize = m_header.fileSize - m_header.dataOffset;
    end = std::min(end, bufferSize);
    if (begin >= end) {
        return;
    }
    // Rounded outwards to whole pages: dropping a page of a read-only file mapping that a neighbouring tensor
    // still uses only costs a re-fault from the page cache, never wrong data.
    static const std::uint64_t pageSize = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t first = (m_header.dataOffset + begin) / pageSize * pageSize;
    const std::uint64_t last =
        std::min<std::uint64_t>((m_header.dataOffset + end + pageSize - 1) / pageSize * pageSize, m_mappingSize);
    if (last > first) {
        ::madvise(const_cast<std::uint8_t*>(m_mapping) + first, static_cast<std::size_t>(last - first), MADV_DONTNEED);
    }
}

} // namespace deepext
