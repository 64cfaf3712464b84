#pragma once

#include "deepext/merge/SafeTensorsFile.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace deepext {

struct TensorSpec
{
    std::string name;
    Dtype dtype = Dtype::F32;
    std::vector<std::int64_t> shape;
};

// The layout the reference writer (safetensors/src/tensor.rs `prepare`; docs/peft-notes.md, "safetensors") gives these
// tensors: sorted by dtype descending (enum order), then name ascending bytewise; offsets contiguous from 0; compact
// JSON with __metadata__ first (keys in std::map order) and fields dtype, shape, data_offsets; spaces to a multiple
// of 8. `header.tensors` is in offset order, which is the order their bytes go into the file. Throws deepext::Error on
// a duplicate or reserved name, a negative dimension, a size that overflows, or a header over the reference's
// 100,000,000-byte limit.
struct SafeTensorsPlan
{
    SafeTensorsHeader header; // path, sizes and tensor offsets of the file to be written
    std::string headerBytes;  // the N JSON bytes including padding (not the 8-byte length)
};
SafeTensorsPlan planSafeTensorsFile(const std::string& path, const std::vector<TensorSpec>& specs,
                                    const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

// Writes one .safetensors file as a sequential stream: the constructor creates `path` and writes the header
// planned up front, then the caller appends the byte buffer in order, tensor after tensor in header().tensors
// order (= offset order), each tensor's bytes front to back. Nothing is held in memory beyond a small write
// buffer, and the SHA-256 of the file is computed as the bytes go out, so finish() returns it without re-reading.
//
// Multi-threaded producers: compute row blocks on several threads, but hand them to append() in file order (e.g.
// a reorder step in the merger, or one writer thread draining an ordered queue). The calls are serialised by an
// internal mutex so misuse from several threads fails cleanly, but out-of-order data is refused, not reordered.
//
// Errors throw deepext::Error naming `path`: a full disk (ENOSPC/EDQUOT) says so, a file size limit (EFBIG) or
// any other write failure says the file could not be written. The bytes go to a hidden sibling temp file that
// finish() fsyncs and renames to `path` (then fsyncs the directory), as the reference writer does: `path` never
// holds a partial file, and a writer destroyed before a successful finish() deletes its temp file.
// Test hook (builds with DEEPEXT_FAULT_HOOKS): env DEEPEXT_FAULT_DISK_FULL_AFTER=<bytes> makes writes past that
// file size fail with ENOSPC.
class SafeTensorsWriter
{
public:
    SafeTensorsWriter(const std::string& path, const std::vector<TensorSpec>& specs,
                      const std::map<std::string, std::string>& metadata = {{"format", "pt"}});
    ~SafeTensorsWriter();
    SafeTensorsWriter(const SafeTensorsWriter&) = delete;
    SafeTensorsWriter& operator=(const SafeTensorsWriter&) = delete;

    const SafeTensorsHeader& header() const;
    std::uint64_t fileSize() const;
    // Bytes of the byte buffer appended so far (the file position minus 8 + N).
    std::uint64_t bufferPosition() const;
    // The tensor the next appended byte belongs to (zero-size tensors are skipped); nullptr once all are written.
    const TensorInfo* currentTensor() const;

    // Appends the next `size` bytes of the byte buffer; may span tensor boundaries. Throws deepext::Error past
    // the end of the buffer.
    void append(const void* data, std::uint64_t size);
    // Checked form of append(): `name` must be currentTensor() and `offsetInTensor` where its bytes stopped so far
    // (writing a tensor in several calls is fine). Out-of-order calls throw deepext::Error ("internal error").
    void writeAt(const std::string& name, std::uint64_t offsetInTensor, const void* data, std::uint64_t size);
    // Every byte must have been appended. Flushes, fsyncs, renames into place; returns the lowercase hex SHA-256
    // of the file. Throws deepext::Error if bytes are missing or the final write/fsync fails.
    std::string finish();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// Convenience for small files (demo, tests): tensors with their full bytes in memory, any order.
// Returns the file's lowercase hex SHA-256.
struct TensorBlob
{
    TensorSpec spec;
    std::vector<std::uint8_t> bytes;
};
std::string writeSafeTensorsFile(const std::string& path, const std::vector<TensorBlob>& tensors,
                                 const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

} // namespace deepext
