#pragma once

// Helpers shared by the GGUF tests: temporary folders, whole-file reads, and an independent little-endian encoder
// used to build expected bytes by hand (so the tests do not check the writer against itself).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace deepext::test {

namespace fs = std::filesystem;

class GgufTempDir
{
public:
    GgufTempDir()
    {
        std::string pattern = (fs::temp_directory_path() / "deepext-gguf-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
    }
    ~GgufTempDir()
    {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    GgufTempDir(const GgufTempDir&) = delete;
    GgufTempDir& operator=(const GgufTempDir&) = delete;

    const fs::path& path() const { return m_path; }
    std::string file(const std::string& name) const { return (m_path / name).string(); }
    std::vector<std::string> entries() const
    {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(m_path)) {
            names.push_back(entry.path().filename().string());
        }
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    fs::path m_path;
};

inline std::string readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Little-endian bytes, built by hand.
struct Bytes
{
    std::string data;
    Bytes& raw(const std::string& text)
    {
        data += text;
        return *this;
    }
    Bytes& le(std::uint64_t value, int width)
    {
        for (int i = 0; i < width; ++i) {
            data.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
        }
        return *this;
    }
    Bytes& u32(std::uint32_t value) { return le(value, 4); }
    Bytes& u64(std::uint64_t value) { return le(value, 8); }
    Bytes& f32(float value)
    {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &value, 4);
        return le(bits, 4);
    }
    Bytes& str(const std::string& text)
    {
        u64(text.size());
        return raw(text);
    }
    Bytes& zeros(std::size_t count)
    {
        data.append(count, '\0');
        return *this;
    }
    Bytes& padTo(std::size_t alignment) { return zeros((alignment - data.size() % alignment) % alignment); }
};

} // namespace deepext::test
