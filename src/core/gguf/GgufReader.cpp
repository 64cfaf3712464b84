#include "deepext/gguf/GgufReader.h"

#include "GgufEncoder.h"
#include "deepext/base/Error.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace deepext::gguf {
namespace {

constexpr std::uint32_t kGgufVersion = 3;
// The smallest encoding of a metadata entry (empty key is refused, so 1 byte of key) and of a tensor info.
constexpr std::uint64_t kMinKeyValueBytes = 8 + 1 + 4 + 1;
constexpr std::uint64_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;

// Thrown when the header runs past the bytes in memory but the file has more: open() reads further and retries.
struct NeedMoreBytes
{
    std::uint64_t needed;
};

class HeaderCursor
{
public:
    HeaderCursor(const std::string& path, const std::uint8_t* bytes, std::size_t available, std::uint64_t fileSize)
        : m_path(path)
        , m_bytes(bytes)
        , m_available(available)
        , m_fileSize(fileSize)
    {
    }

    [[noreturn]] void fail(const std::string& rule) const { throw Error("invalid GGUF file " + m_path + ": " + rule); }

    std::uint64_t position() const { return m_position; }
    std::uint64_t remainingInFile() const { return m_fileSize - m_position; }

    const std::uint8_t* take(std::uint64_t size, const char* what)
    {
        if (size > m_fileSize - m_position) {
            fail(std::string("truncated: ") + what + " at byte " + std::to_string(m_position) + " needs " +
                 std::to_string(size) + " bytes but the file ends after " + std::to_string(m_fileSize - m_position));
        }
        if (size > m_available - m_position) {
            throw NeedMoreBytes{m_position + size};
        }
        const std::uint8_t* at = m_bytes + m_position;
        m_position += size;
        return at;
    }

    std::uint64_t little(int bytes, const char* what)
    {
        const std::uint8_t* at = take(static_cast<std::uint64_t>(bytes), what);
        std::uint64_t value = 0;
        for (int i = 0; i < bytes; ++i) {
            value |= static_cast<std::uint64_t>(at[i]) << (8 * i);
        }
        return value;
    }
    std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(little(4, what)); }
    std::uint64_t u64(const char* what) { return little(8, what); }

    std::string string(const char* what)
    {
        const std::uint64_t length = u64(what);
        const std::uint8_t* at = take(length, what);
        std::string text(reinterpret_cast<const char*>(at), static_cast<std::size_t>(length));
        if (!isValidUtf8(text)) {
            fail(std::string(what) + " at byte " + std::to_string(m_position - length) + " is not valid UTF-8");
        }
        return text;
    }

private:
    const std::string& m_path;
    const std::uint8_t* m_bytes;
    std::uint64_t m_available;
    std::uint64_t m_fileSize;
    std::uint64_t m_position = 0;
};

std::uint64_t scalarBytes(GgufValueType type)
{
    switch (type) {
    case GgufValueType::UInt8:
    case GgufValueType::Int8:
    case GgufValueType::Bool:
        return 1;
    case GgufValueType::UInt16:
    case GgufValueType::Int16:
        return 2;
    case GgufValueType::UInt32:
    case GgufValueType::Int32:
    case GgufValueType::Float32:
        return 4;
    case GgufValueType::UInt64:
    case GgufValueType::Int64:
    case GgufValueType::Float64:
    case GgufValueType::String: // at least its length
        return 8;
    case GgufValueType::Array:
        break;
    }
    return 0;
}

GgufValue::Scalar readScalar(HeaderCursor& in, GgufValueType type, const std::string& key)
{
    switch (type) {
    case GgufValueType::UInt8:
        return static_cast<std::uint8_t>(in.little(1, "a value"));
    case GgufValueType::Int8:
        return static_cast<std::int8_t>(static_cast<std::uint8_t>(in.little(1, "a value")));
    case GgufValueType::UInt16:
        return static_cast<std::uint16_t>(in.little(2, "a value"));
    case GgufValueType::Int16:
        return static_cast<std::int16_t>(static_cast<std::uint16_t>(in.little(2, "a value")));
    case GgufValueType::UInt32:
        return in.u32("a value");
    case GgufValueType::Int32:
        return static_cast<std::int32_t>(in.u32("a value"));
    case GgufValueType::Float32:
        return std::bit_cast<float>(in.u32("a value"));
    case GgufValueType::Bool: {
        const auto byte = in.little(1, "a value");
        if (byte > 1) {
            in.fail("the BOOL value of \"" + key + "\" is " + std::to_string(byte) + ", not 0 or 1");
        }
        return byte == 1;
    }
    case GgufValueType::String:
        return in.string("a string value");
    case GgufValueType::UInt64:
        return in.u64("a value");
    case GgufValueType::Int64:
        return static_cast<std::int64_t>(in.u64("a value"));
    case GgufValueType::Float64:
        return std::bit_cast<double>(in.u64("a value"));
    case GgufValueType::Array:
        break;
    }
    in.fail("internal error: scalar of type " + ggufValueTypeName(type));
}

GgufValueType valueType(HeaderCursor& in, std::uint32_t raw, const std::string& key, bool element)
{
    if (raw > static_cast<std::uint32_t>(GgufValueType::Float64)) {
        in.fail("\"" + key + "\" has unknown " + (element ? "array element " : "value ") + "type " +
                std::to_string(raw));
    }
    const auto type = static_cast<GgufValueType>(raw);
    if (element && type == GgufValueType::Array) {
        in.fail("\"" + key + "\" is an array of arrays, which llama.cpp does not read");
    }
    return type;
}

GgufValue scalarValue(GgufValueType type, GgufValue::Scalar scalar)
{
    switch (type) {
    case GgufValueType::UInt8:
        return GgufValue::uint8(std::get<std::uint8_t>(scalar));
    case GgufValueType::Int8:
        return GgufValue::int8(std::get<std::int8_t>(scalar));
    case GgufValueType::UInt16:
        return GgufValue::uint16(std::get<std::uint16_t>(scalar));
    case GgufValueType::Int16:
        return GgufValue::int16(std::get<std::int16_t>(scalar));
    case GgufValueType::UInt32:
        return GgufValue::uint32(std::get<std::uint32_t>(scalar));
    case GgufValueType::Int32:
        return GgufValue::int32(std::get<std::int32_t>(scalar));
    case GgufValueType::Float32:
        return GgufValue::float32(std::get<float>(scalar));
    case GgufValueType::Bool:
        return GgufValue::boolean(std::get<bool>(scalar));
    case GgufValueType::String:
        return GgufValue::string(std::move(std::get<std::string>(scalar)));
    case GgufValueType::UInt64:
        return GgufValue::uint64(std::get<std::uint64_t>(scalar));
    case GgufValueType::Int64:
        return GgufValue::int64(std::get<std::int64_t>(scalar));
    case GgufValueType::Float64:
        return GgufValue::float64(std::get<double>(scalar));
    case GgufValueType::Array:
        break;
    }
    throw Error("internal error: a GGUF scalar of type ARRAY");
}

GgufValue readValue(HeaderCursor& in, const std::string& key)
{
    const GgufValueType type = valueType(in, in.u32("a value type"), key, false);
    if (type != GgufValueType::Array) {
        return scalarValue(type, readScalar(in, type, key));
    }
    const GgufValueType elementType = valueType(in, in.u32("an array element type"), key, true);
    const std::uint64_t count = in.u64("an array length");
    if (count > in.remainingInFile() / scalarBytes(elementType)) {
        in.fail("the array \"" + key + "\" claims " + std::to_string(count) + " elements, more than the " +
                std::to_string(in.remainingInFile()) + " bytes left in the file can hold");
    }
    std::vector<GgufValue::Scalar> elements;
    elements.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, 1u << 20)));
    for (std::uint64_t i = 0; i < count; ++i) {
        elements.push_back(readScalar(in, elementType, key));
    }
    return GgufValue::array(elementType, std::move(elements));
}

} // namespace

GgufReader GgufReader::parse(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                             std::uint64_t fileSize)
{
    try {
        return parseHeader(path, bytes, available, fileSize);
    } catch (const NeedMoreBytes& more) {
        throw Error("invalid GGUF file " + path + ": truncated: its header needs " + std::to_string(more.needed) +
                    " bytes but only " + std::to_string(available) + " were read");
    }
}

GgufReader GgufReader::parseHeader(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                                   std::uint64_t fileSize)
{
    GgufReader reader;
    reader.m_path = path;
    reader.m_fileSize = fileSize;
    HeaderCursor in(path, bytes, std::min<std::uint64_t>(available, fileSize), fileSize);
    if (fileSize < 4 || std::memcmp(in.take(4, "the magic"), "GGUF", 4) != 0) {
        in.fail("it does not start with the magic \"GGUF\" (not a GGUF file)");
    }
    reader.m_version = in.u32("the version");
    if (reader.m_version != kGgufVersion) {
        in.fail("version " + std::to_string(reader.m_version) + "; only GGUF version 3 is read");
    }
    const std::uint64_t tensorCount = in.u64("the tensor count");
    const std::uint64_t keyCount = in.u64("the metadata count");
    const std::uint64_t room = in.remainingInFile();
    if (keyCount > room / kMinKeyValueBytes || tensorCount > room / kMinTensorInfoBytes ||
        keyCount * kMinKeyValueBytes + tensorCount * kMinTensorInfoBytes > room) {
        in.fail("it claims " + std::to_string(keyCount) + " metadata entries and " + std::to_string(tensorCount) +
                " tensors, more than its " + std::to_string(fileSize) + " bytes can hold");
    }

    std::set<std::string> keys;
    for (std::uint64_t i = 0; i < keyCount; ++i) {
        std::string key = in.string("a metadata key");
        if (key.empty()) {
            in.fail("metadata entry " + std::to_string(i) + " has an empty key");
        }
        if (!keys.insert(key).second) {
            in.fail("duplicate metadata key \"" + key + "\"");
        }
        GgufValue value = readValue(in, key);
        reader.m_metadata.set(key, std::move(value));
    }
    if (const GgufValue* alignment = reader.m_metadata.find("general.alignment")) {
        if (alignment->type() != GgufValueType::UInt32) {
            in.fail("general.alignment is a " + ggufValueTypeName(alignment->type()) + ", not a UINT32");
        }
        const std::uint32_t value = alignment->asUInt32();
        if (value == 0 || (value & (value - 1)) != 0) {
            in.fail("general.alignment " + std::to_string(value) + " is not a power of two");
        }
        reader.m_alignment = value;
    }
    const std::uint64_t alignment = reader.m_alignment;

    std::set<std::string> names;
    std::uint64_t expectedOffset = 0;
    for (std::uint64_t i = 0; i < tensorCount; ++i) {
        GgufTensorInfo tensor;
        tensor.name = in.string("a tensor name");
        const std::string quoted = "tensor '" + tensor.name + "'";
        if (tensor.name.empty() || tensor.name.size() > kGgufMaxNameBytes) {
            in.fail("tensor " + std::to_string(i) + " has a name of " + std::to_string(tensor.name.size()) +
                    " bytes; names have 1 to 63 bytes");
        }
        if (!names.insert(tensor.name).second) {
            in.fail("duplicate tensor name '" + tensor.name + "'");
        }
        const std::uint32_t dims = in.u32("a dimension count");
        if (dims == 0 || dims > kGgufMaxDims) {
            in.fail(quoted + " has " + std::to_string(dims) + " dimensions; GGUF allows 1 to 4");
        }
        std::uint64_t count = 1;
        for (std::uint32_t d = 0; d < dims; ++d) {
            const std::uint64_t n = in.u64("a dimension");
            if (__builtin_mul_overflow(count, n, &count) || count > static_cast<std::uint64_t>(INT64_MAX)) {
                in.fail(quoted + " has more elements than fit in int64");
            }
            tensor.ne.push_back(n);
        }
        const std::uint32_t rawType = in.u32("a tensor type");
        const std::optional<GgmlType> type = ggmlTypeFromValue(rawType);
        if (!type) {
            in.fail(quoted + " has ggml type " + std::to_string(rawType) +
                    ", not one of F32 (0), F16 (1), Q8_0 (8), BF16 (30)");
        }
        tensor.type = *type;
        if (tensor.ne[0] % ggmlBlockSize(tensor.type) != 0) {
            in.fail(quoted + " has rows of " + std::to_string(tensor.ne[0]) + " values, not a multiple of the " +
                    std::to_string(ggmlBlockSize(tensor.type)) + "-value blocks of " + ggmlTypeName(tensor.type));
        }
        tensor.offset = in.u64("a tensor offset");
        if (tensor.offset != expectedOffset) {
            in.fail(quoted + " has offset " + std::to_string(tensor.offset) + ", expected " +
                    std::to_string(expectedOffset));
        }
        std::uint64_t size = 0;
        if (tensor.ne[0] != 0) {
            std::uint64_t rowBytes = 0;
            if (__builtin_mul_overflow(tensor.ne[0] / ggmlBlockSize(tensor.type), ggmlTypeSize(tensor.type),
                                       &rowBytes) ||
                __builtin_mul_overflow(count / tensor.ne[0], rowBytes, &size)) {
                size = UINT64_MAX;
            }
        }
        const std::uint64_t padded = size > fileSize ? UINT64_MAX : (size + alignment - 1) / alignment * alignment;
        if (padded > fileSize || expectedOffset + padded > fileSize) {
            in.fail("truncated or damaged: " + quoted + " has " + std::to_string(size) +
                    " bytes of data, more than the file's " + std::to_string(fileSize) + " bytes");
        }
        expectedOffset += padded;
        reader.m_tensors.push_back(std::move(tensor));
    }
    const std::uint64_t headerEnd = in.position();
    reader.m_dataOffset = (headerEnd + alignment - 1) / alignment * alignment;
    if (reader.m_dataOffset > fileSize) {
        in.fail("truncated: the data section would start at byte " + std::to_string(reader.m_dataOffset) +
                " but the file has " + std::to_string(fileSize) + " bytes");
    }
    const std::uint64_t expectedSize = reader.m_dataOffset + expectedOffset;
    if (fileSize < expectedSize) {
        in.fail("truncated: its tensors need " + std::to_string(expectedSize) + " bytes but the file has " +
                std::to_string(fileSize));
    }
    if (fileSize > expectedSize) {
        in.fail(std::to_string(fileSize - expectedSize) + " unexpected bytes follow the last tensor's data (" +
                std::to_string(expectedSize) + " expected)");
    }
    return reader;
}

GgufReader GgufReader::open(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error("cannot read " + path + ": " + std::strerror(errno));
    }
    struct stat info
    {
    };
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        throw Error("cannot read " + path + ": not a regular file");
    }
    const auto fileSize = static_cast<std::uint64_t>(info.st_size);
    std::vector<std::uint8_t> head;
    std::uint64_t want = std::min<std::uint64_t>(fileSize, 1u << 20);
    for (;;) {
        const std::uint64_t have = head.size();
        head.resize(static_cast<std::size_t>(want));
        std::uint64_t done = have;
        while (done < want) {
            const ssize_t n =
                ::pread(fd, head.data() + done, static_cast<std::size_t>(want - done), static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                const std::string why = n < 0 ? std::strerror(errno) : "the file became shorter while being read";
                ::close(fd);
                throw Error("cannot read " + path + ": " + why);
            }
            done += static_cast<std::uint64_t>(n);
        }
        try {
            GgufReader reader = parseHeader(path, head.data(), head.size(), fileSize);
            ::close(fd);
            reader.m_fromFile = true;
            return reader;
        } catch (const NeedMoreBytes& more) {
            want = std::min(fileSize, std::max(more.needed, want * 2));
        } catch (...) {
            ::close(fd);
            throw;
        }
    }
}

const GgufTensorInfo* GgufReader::findTensor(const std::string& name) const
{
    for (const GgufTensorInfo& tensor : m_tensors) {
        if (tensor.name == name) {
            return &tensor;
        }
    }
    return nullptr;
}

std::vector<std::uint8_t> GgufReader::readTensorBytes(const GgufTensorInfo& tensor) const
{
    if (!m_fromFile) {
        throw Error("internal error: tensor data of " + m_path + " was not opened from a file");
    }
    const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error("cannot read " + m_path + ": " + std::strerror(errno));
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(tensor.byteSize()));
    std::uint64_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done,
                                  static_cast<off_t>(m_dataOffset + tensor.offset + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const std::string why = n < 0 ? std::strerror(errno) : "the file is shorter than its header says";
            ::close(fd);
            throw Error("cannot read tensor '" + tensor.name + "' of " + m_path + ": " + why);
        }
        done += static_cast<std::uint64_t>(n);
    }
    ::close(fd);
    return bytes;
}

std::vector<float> GgufReader::readTensorFloats(const GgufTensorInfo& tensor) const
{
    const std::vector<std::uint8_t> bytes = readTensorBytes(tensor);
    std::vector<float> values(static_cast<std::size_t>(tensor.elementCount()));
    ggmlToFloat(tensor.type, bytes.data(), values.size(), values.data());
    return values;
}

} // namespace deepext::gguf
