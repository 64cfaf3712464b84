#pragma once

#include "deepext/merge/Dtype.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace deepext {

struct TensorInfo
{
    std::string name;
    Dtype dtype = Dtype::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0; // data_offsets, relative to the byte buffer
    std::uint64_t end = 0;

    std::uint64_t elementCount() const;
    std::uint64_t byteSize() const { return end - begin; }
};

// The validated header of one .safetensors file (every rule of peft-lora-safetensors.md §4.4 enforced).
struct SafeTensorsHeader
{
    std::string path;
    std::uint64_t headerSize = 0;   // N
    std::uint64_t dataOffset = 0;   // 8 + N: file offset of the byte buffer
    std::uint64_t fileSize = 0;
    std::map<std::string, std::string> metadata;
    std::vector<TensorInfo> tensors; // in data-offset order

    const TensorInfo* find(const std::string& name) const;
};

// Parses and validates a header from bytes (the fuzz target's entry): `bytes` is the start of the file,
// `fileSize` its full length. Throws deepext::Error naming `path` and the violated rule.
SafeTensorsHeader parseSafeTensorsHeader(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                                         std::uint64_t fileSize);
// Reads only the header of a file (no mapping of the data).
SafeTensorsHeader readSafeTensorsHeader(const std::string& path);

// A memory-mapped, validated safetensors file. Tensor bytes are read straight from the mapping; callers release
// pages they are done with (releaseRange) so mapped pages do not pile up in the resident set.
class SafeTensorsFile
{
public:
    static std::unique_ptr<SafeTensorsFile> open(const std::string& path);
    ~SafeTensorsFile();
    SafeTensorsFile(const SafeTensorsFile&) = delete;
    SafeTensorsFile& operator=(const SafeTensorsFile&) = delete;

    const SafeTensorsHeader& header() const { return m_header; }
    const std::string& path() const { return m_header.path; }
    const std::uint8_t* tensorData(const TensorInfo& tensor) const;
    // madvise(MADV_DONTNEED) over the pages of [begin, end) of the byte buffer.
    void releaseRange(std::uint64_t begin, std::uint64_t end) const;

private:
    SafeTensorsFile() = default;
    SafeTensorsHeader m_header;
    const std::uint8_t* m_mapping = nullptr;
    std::size_t m_mappingSize = 0;
};

} // namespace deepext
