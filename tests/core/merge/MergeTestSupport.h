#pragma once

// Helpers shared by the merge tests: temporary folders, golden-case paths, reading whole tensors, ulp distance.
#include "deepext/merge/Dtype.h"
#include "deepext/merge/SafeTensorsFile.h"
#include "deepext/merge/SafeTensorsWriter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace deepext::test {

namespace fs = std::filesystem;

inline fs::path testData()
{
    return fs::path(DEEPEXT_TEST_DATA_DIR);
}
inline fs::path goldenDir()
{
    return testData() / "golden";
}
inline fs::path realworldDir()
{
    return testData() / "realworld";
}

inline std::vector<std::string> goldenCases()
{
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(goldenDir())) {
        if (entry.is_directory() && fs::exists(entry.path() / "case.json")) {
            names.push_back(entry.path().filename().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

// A fresh directory under the system temp dir, removed with everything in it at the end of the scope.
class TempDir
{
public:
    TempDir()
    {
        std::string pattern = (fs::temp_directory_path() / "deepext-merge-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return m_path; }
    std::string str() const { return m_path.string(); }
    // A new empty subdirectory.
    std::string sub(const std::string& name) const
    {
        fs::create_directories(m_path / name);
        return (m_path / name).string();
    }

private:
    fs::path m_path;
};

inline std::string readText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline void writeText(const fs::path& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

inline void copyDir(const fs::path& from, const fs::path& to)
{
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

struct Tensor
{
    Dtype dtype = Dtype::F32;
    std::vector<std::int64_t> shape;
    std::vector<std::uint8_t> bytes;
};

// Every tensor of every .safetensors file directly in `directory` (or of one file).
inline std::map<std::string, Tensor> readTensors(const fs::path& path)
{
    std::map<std::string, Tensor> tensors;
    std::vector<fs::path> files;
    if (fs::is_directory(path)) {
        for (const auto& entry : fs::directory_iterator(path)) {
            if (entry.path().extension() == ".safetensors") {
                files.push_back(entry.path());
            }
        }
    } else {
        files.push_back(path);
    }
    for (const fs::path& file : files) {
        const auto opened = SafeTensorsFile::open(file.string());
        for (const TensorInfo& info : opened->header().tensors) {
            const std::uint8_t* data = opened->tensorData(info);
            tensors[info.name] =
                Tensor{info.dtype, info.shape, std::vector<std::uint8_t>(data, data + info.byteSize())};
        }
    }
    return tensors;
}

// Elements of a BF16/F16/F32 tensor as fp32.
inline std::vector<float> toFloats(const Tensor& tensor)
{
    const std::size_t width = dtypeBits(tensor.dtype) / 8;
    std::vector<float> values(tensor.bytes.size() / width);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (tensor.dtype == Dtype::F32) {
            std::memcpy(&values[i], &tensor.bytes[4 * i], 4);
        } else {
            std::uint16_t bits;
            std::memcpy(&bits, &tensor.bytes[2 * i], 2);
            values[i] = tensor.dtype == Dtype::BF16 ? bf16ToFloat(bits) : f16ToFloat(bits);
        }
    }
    return values;
}

inline Tensor fromFloats(Dtype dtype, std::vector<std::int64_t> shape, const std::vector<float>& values)
{
    Tensor tensor{dtype, std::move(shape), {}};
    const std::size_t width = dtypeBits(dtype) / 8;
    tensor.bytes.resize(values.size() * width);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (dtype == Dtype::F32) {
            std::memcpy(&tensor.bytes[4 * i], &values[i], 4);
        } else {
            const std::uint16_t bits = dtype == Dtype::BF16 ? floatToBf16(values[i]) : floatToF16(values[i]);
            std::memcpy(&tensor.bytes[2 * i], &bits, 2);
        }
    }
    return tensor;
}

inline void writeTensors(const fs::path& path, const std::map<std::string, Tensor>& tensors)
{
    std::vector<TensorBlob> blobs;
    for (const auto& [name, tensor] : tensors) {
        blobs.push_back(TensorBlob{TensorSpec{name, tensor.dtype, tensor.shape}, tensor.bytes});
    }
    writeSafeTensorsFile(path.string(), blobs);
}

// Distance between two values of a 16- or 32-bit float dtype as ordered integers (sign-magnitude mapped onto a
// monotonic integer line, so +0 and -0 are 0 apart and adjacent floats are 1 apart).
inline std::uint64_t ulpDistance(Dtype dtype, const std::uint8_t* a, const std::uint8_t* b)
{
    const auto ordered = [&](const std::uint8_t* p) -> std::int64_t {
        if (dtype == Dtype::F32) {
            std::uint32_t bits;
            std::memcpy(&bits, p, 4);
            const std::int64_t magnitude = bits & 0x7fffffffu;
            return (bits & 0x80000000u) ? -magnitude : magnitude;
        }
        std::uint16_t bits;
        std::memcpy(&bits, p, 2);
        const std::int64_t magnitude = bits & 0x7fffu;
        return (bits & 0x8000u) ? -magnitude : magnitude;
    };
    const std::int64_t d = ordered(a) - ordered(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

inline nlohmann::json readJson(const fs::path& path)
{
    return nlohmann::json::parse(readText(path));
}

} // namespace deepext::test
