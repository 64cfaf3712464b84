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

// Writes one .safetensors file: the header is computed up front from the specs (reference order: dtype
// descending, then name; {"format":"pt"} metadata; padded to 8 bytes), so every tensor's file offset is known
// before any data is written and workers may write tensors concurrently (writeAt is thread-safe, pwrite).
// finish() fsyncs and returns the file's SHA-256, computed while the bytes stream out.
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
    // Writes `size` bytes of tensor `name` starting `offsetInTensor` bytes into it.
    void writeAt(const std::string& name, std::uint64_t offsetInTensor, const void* data, std::uint64_t size);
    std::string finish(); // returns lowercase hex SHA-256 of the whole file

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// Convenience for small files (demo, tests): tensors with their full bytes in memory.
struct TensorBlob
{
    TensorSpec spec;
    std::vector<std::uint8_t> bytes;
};
std::string writeSafeTensorsFile(const std::string& path, const std::vector<TensorBlob>& tensors,
                                 const std::map<std::string, std::string>& metadata = {{"format", "pt"}});

} // namespace deepext
