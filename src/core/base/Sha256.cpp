#include "deepext/base/Sha256.h"

#include "deepext/base/Error.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace deepext {

struct Sha256::Context
{
    EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256()
    : m_context(std::make_unique<Context>())
{
    m_context->ctx = EVP_MD_CTX_new();
    if (!m_context->ctx || EVP_DigestInit_ex(m_context->ctx, EVP_sha256(), nullptr) != 1) {
        throw Error("cannot initialise SHA-256 (OpenSSL)");
    }
}

Sha256::~Sha256()
{
    EVP_MD_CTX_free(m_context->ctx);
}

void Sha256::update(const void* data, std::size_t size)
{
    if (size > 0) {
        EVP_DigestUpdate(m_context->ctx, data, size);
    }
}

std::string Sha256::finalHex()
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(m_context->ctx, digest, &length);
    static const char* hex = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(hex[digest[i] >> 4]);
        out.push_back(hex[digest[i] & 0xf]);
    }
    return out;
}

std::string Sha256::ofFile(const std::string& path, const std::function<void(std::uint64_t)>& onChunk)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        throw Error("cannot read " + path + ": " + std::strerror(errno));
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    Sha256 hasher;
    std::vector<char> buffer(4 << 20);
    for (;;) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int err = errno;
            ::close(fd);
            throw Error("cannot read " + path + ": " + std::strerror(err));
        }
        if (n == 0) {
            break;
        }
        hasher.update(buffer.data(), static_cast<std::size_t>(n));
        if (onChunk) {
            try {
                onChunk(static_cast<std::uint64_t>(n));
            } catch (...) {
                ::close(fd);
                throw;
            }
        }
    }
    ::close(fd);
    return hasher.finalHex();
}

} // namespace deepext
