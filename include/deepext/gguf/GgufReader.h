#pragma once

#include "deepext/gguf/GgufValue.h"
#include "deepext/gguf/GgufWriter.h"

#include <cstdint>
#include <string>
#include <vector>

namespace deepext::gguf {

// A strictly validated GGUF v3 file, for `verify` and the tests. Every rule llama.cpp's reader applies
// (ggml/src/gguf.cpp `gguf_init_from_file_impl`) is enforced, plus a few of its own so a damaged file never passes:
//   magic "GGUF", version 3; counts that fit in the file; every key non-empty, UTF-8 and unique; every value of a
//   known type (arrays of scalars or strings, not of arrays) with lengths inside the file and UTF-8 strings;
//   general.alignment a UINT32 power of two; tensor names unique, UTF-8, 1 to 63 bytes; 1 to 4 dimensions whose
//   product fits in int64; a type this project knows (F32, F16, BF16, Q8_0) and a row length that is a multiple
//   of its block; each offset exactly the running sum of the previous tensors' sizes rounded up to the alignment;
//   the data section at the first aligned offset after the tensor infos, and the file exactly as long as the
//   padded data (a truncated file, or bytes after the last tensor, are errors).
// Errors throw deepext::Error "invalid GGUF file <path>: <rule>", e.g.
// "invalid GGUF file m.gguf: tensor 'blk.0.attn_q.weight' has offset 64, expected 96".
class GgufReader
{
public:
    // Reads and validates the header of the file at `path` (the tensor data is read on demand).
    static GgufReader open(const std::string& path);
    // The same rules over bytes in memory (the fuzz target's entry): `bytes` are the first `available` bytes of a
    // file of `fileSize` bytes; a header that needs more than `available` bytes is reported as truncated.
    static GgufReader parse(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                            std::uint64_t fileSize);

    const std::string& path() const { return m_path; }
    std::uint32_t version() const { return m_version; }
    std::uint32_t alignment() const { return m_alignment; }
    std::uint64_t dataOffset() const { return m_dataOffset; }
    std::uint64_t fileSize() const { return m_fileSize; }
    const GgufMetadata& metadata() const { return m_metadata; }
    const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }
    // nullptr when absent.
    const GgufTensorInfo* findTensor(const std::string& name) const;

    // The stored bytes of a tensor (opened files only); throws deepext::Error naming the file on a read error.
    std::vector<std::uint8_t> readTensorBytes(const GgufTensorInfo& tensor) const;
    // The tensor's values widened to fp32 (F32, F16 and BF16 exactly; Q8_0 as scale times quant).
    std::vector<float> readTensorFloats(const GgufTensorInfo& tensor) const;

private:
    // parse(), but a header running past `available` bytes of a longer file throws an internal marker that open()
    // answers by reading more.
    static GgufReader parseHeader(const std::string& path, const std::uint8_t* bytes, std::size_t available,
                                  std::uint64_t fileSize);

    std::string m_path;
    std::uint32_t m_version = 0;
    std::uint32_t m_alignment = kGgufDefaultAlignment;
    std::uint64_t m_dataOffset = 0;
    std::uint64_t m_fileSize = 0;
    GgufMetadata m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    bool m_fromFile = false;
};

} // namespace deepext::gguf
