#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace deepext {

// Incremental SHA-256 over OpenSSL's EVP interface (SHA-NI where the CPU has it: ~10x QCryptographicHash).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t size);
    // Lowercase hex of the digest; the hasher cannot be updated afterwards.
    std::string finalHex();

    // Hashes a whole file by streaming it; throws deepext::Error naming the file when it cannot be read.
    // `onChunk` (optional) is called with the byte count of each chunk read; it may throw to stop (cancel).
    // Symbolic links are not followed.
    static std::string ofFile(const std::string& path, const std::function<void(std::uint64_t)>& onChunk = {});

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

} // namespace deepext
