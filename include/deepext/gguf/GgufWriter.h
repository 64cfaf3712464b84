#pragma once

#include "deepext/gguf/GgmlType.h"
#include "deepext/gguf/GgufValue.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace deepext::gguf {

constexpr std::uint32_t kGgufDefaultAlignment = 32;
constexpr std::size_t kGgufMaxNameBytes = 63; // GGML_MAX_NAME is 64 including the NUL
constexpr std::size_t kGgufMaxDims = 4;       // GGML_MAX_DIMS

struct GgufTensorInfo
{
    std::string name;
    GgmlType type = GgmlType::F32;
    // ggml order: ne[0] is the row length, so a Hugging Face [out, in] weight is {in, out}.
    std::vector<std::uint64_t> ne;
    std::uint64_t offset = 0; // from the start of the data section

    std::uint64_t elementCount() const;
    std::uint64_t byteSize() const; // throws deepext::Error when ne[0] is not a whole number of blocks
};

// The layout of a GGUF v3 file (ggml/src/gguf.cpp `gguf_init_from_file_impl`, gguf-py `GGUFWriter`): magic, version,
// counts, the metadata, the tensor infos, zero padding to the alignment, then each tensor's data padded to the
// alignment, in tensor-info order. Every size is known before the first byte is written.
struct GgufFilePlan
{
    std::string path;
    std::uint32_t alignment = kGgufDefaultAlignment; // general.alignment when the metadata has it
    std::uint64_t dataOffset = 0;                    // where the data section starts
    std::uint64_t fileSize = 0;
    std::vector<GgufTensorInfo> tensors; // offsets filled in: the running sum of padded sizes
    std::string headerBytes;             // the first dataOffset bytes of the file
};

// Validates and lays out a file; throws deepext::Error "cannot write <path>: <rule>" for an empty, non-UTF-8 or
// (through GgufMetadata) duplicate key, a string that is not UTF-8, a general.alignment that is not a UINT32 power of
// two, a tensor name that is empty, 64 bytes or longer, or used twice, 0 or more than 4 dimensions, a row length
// that is not a whole number of the type's blocks, or sizes that overflow.
GgufFilePlan planGgufFile(const std::string& path, const GgufMetadata& metadata, std::vector<GgufTensorInfo> tensors);

// Writes one GGUF file as a stream: the constructor creates `path` (which must not exist) and writes the planned
// header; the caller then appends the tensors' bytes in plan().tensors order (one call may span tensors) and the
// writer inserts the alignment padding. Bytes go through a FileSink (O_DIRECT where possible) and into SHA-256 as
// they are written, so finish() returns the hash without reading the file back.
//
// The file is written under the name it is given: a caller that needs an atomic result writes a staging name and
// renames it. A writer destroyed before a successful finish() closes and deletes its file. Errors throw
// deepext::Error naming the file (a full disk says how much more space is needed).
// Test hook (builds with DEEPEXT_FAULT_HOOKS): env DEEPEXT_FAULT_DISK_FULL_AFTER=<bytes> makes writes past that
// size fail with ENOSPC, as for the safetensors writer.
class GgufWriter
{
public:
    GgufWriter(const std::string& path, const GgufMetadata& metadata, std::vector<GgufTensorInfo> tensors);
    ~GgufWriter();
    GgufWriter(const GgufWriter&) = delete;
    GgufWriter& operator=(const GgufWriter&) = delete;

    const GgufFilePlan& plan() const;
    // Bytes handed to the file so far (header and padding included).
    std::uint64_t bytesWritten() const;

    // Appends the next `size` bytes of tensor data. Throws deepext::Error past the last tensor's end.
    void append(const void* data, std::uint64_t size);
    // Every tensor byte must have been appended. Flushes, fsyncs and closes the file; returns its lowercase hex
    // SHA-256. The caller syncs the directory after renaming it.
    std::string finish();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace deepext::gguf
