#include "deepext/base/AtomicFile.h"

#include "deepext/base/Error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace deepext {
namespace {

std::string errnoText()
{
    return std::strerror(errno);
}

} // namespace

void syncPath(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    ::fsync(fd);
    ::close(fd);
}

void writeFileAtomically(const std::string& path, const std::string& content)
{
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::random_device random;
    const std::string tempPath = (directory / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                               "-" + std::to_string(random())))
                                     .string();
    const int fd = ::open(tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw Error("cannot write " + path + ": " + errnoText() + " (check that the folder exists and is writable)");
    }
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const std::string why = errnoText();
            ::close(fd);
            ::unlink(tempPath.c_str());
            throw Error("cannot write " + path + ": " + why);
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const std::string why = errnoText();
        ::unlink(tempPath.c_str());
        throw Error("cannot write " + path + ": " + why);
    }
    if (::rename(tempPath.c_str(), path.c_str()) != 0) {
        const std::string why = errnoText();
        ::unlink(tempPath.c_str());
        throw Error("cannot replace " + path + ": " + why);
    }
    syncPath(directory.string());
}

std::string readWholeFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error("cannot read " + path + ": " + errnoText());
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace deepext
