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

// The validated header of one .safetensors file (every rule of the reference reader enforced,
// safetensors/src/tensor.rs read_metadata and Metadata::validate; docs/peft-notes.md, "safetensors").
struct SafeTensorsHeader
{
    std::string path;
    std::uint64_t headerSize = 0; // N
    std::uint64_t dataOffset = 0; // 8 + N: file offset of the byte buffer
    std::uint64_t fileSize = 0;
    std::map<std::string, std::string> metadata;
    std::vector<TensorInfo> tensors; // in data-offset order

    const TensorInfo* find(const std::string& name) const;
};

// Parses and validates a header from bytes (the fuzz target's entry): `bytes` is the start of the file, of which
// `available` bytes are readable (at least 8 + N), `fileSize` its full length. Leading and trailing JSON whitespace
// around the object is accepted, as the reference reader does. Throws deepext::Error "invalid safetensors file
// <path>: <rule>" for every rule of the reference reader, plus duplicate keys (which the reference's README forbids).
SafeTensorsHeader parseSafeTensorsHeader(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                                         std::uint64_t fileSize);
// Reads only the header of a file (no mapping of the data).
SafeTensorsHeader readSafeTensorsHeader(const std::string& path);

// A memory-mapped (read-only, MAP_SHARED, MADV_SEQUENTIAL), validated safetensors file. Tensor bytes are read
// straight from the mapping; callers release pages they are done with (releaseRange) so mapped pages do not pile
// up in the resident set. The file must not be truncated while open (that would raise SIGBUS on access).
class SafeTensorsFile
{
public:
    static std::unique_ptr<SafeTensorsFile> open(const std::string& path);
    ~SafeTensorsFile();
    SafeTensorsFile(const SafeTensorsFile&) = delete;
    SafeTensorsFile& operator=(const SafeTensorsFile&) = delete;

    const SafeTensorsHeader& header() const { return m_header; }
    const std::string& path() const { return m_header.path; }
    // Start of the tensor's bytes in the mapping; throws deepext::Error if `tensor` does not lie inside this file.
    const std::uint8_t* tensorData(const TensorInfo& tensor) const;
    // madvise(MADV_DONTNEED) over the pages of [begin, end) of the byte buffer (offsets as in TensorInfo), rounded
    // out to whole pages and clamped to the mapping. Safe at any time, from any thread: a released page that is
    // read again is faulted back in from the page cache.
    void releaseRange(std::uint64_t begin, std::uint64_t end) const;
    // Copies [begin, begin + size) of the byte buffer into `out` with pread, from any thread. The hot path of the
    // merge reads this way: no page faults, no page-table or TLB work to undo (costly under a hypervisor), and a
    // file truncated meanwhile is an error naming it rather than SIGBUS.
    void read(std::uint64_t begin, std::uint64_t size, void* out) const;

private:
    SafeTensorsFile() = default;
    SafeTensorsHeader m_header;
    const std::uint8_t* m_mapping = nullptr;
    std::size_t m_mappingSize = 0;
    int m_fd = -1;
};

} // namespace deepext
