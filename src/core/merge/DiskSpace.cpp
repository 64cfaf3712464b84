#include "deepext/merge/DiskSpace.h"

#include "deepext/base/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/statvfs.h>

namespace deepext {

std::uint64_t availableBytes(const std::string& directory)
{
#ifdef DEEPEXT_FAULT_HOOKS
    if (const char* fake = std::getenv("DEEPEXT_FAULT_FREE_BYTES")) {
        return std::strtoull(fake, nullptr, 10);
    }
#endif
    struct statvfs info
    {
    };
    if (::statvfs(directory.c_str(), &info) != 0) {
        throw Error("cannot find out how much free space there is in " + directory + ": " + std::strerror(errno));
    }
    return static_cast<std::uint64_t>(info.f_bavail) * static_cast<std::uint64_t>(info.f_frsize);
}

void ensureFreeSpace(const std::string& directory, std::uint64_t bytesNeeded)
{
    const std::uint64_t available = availableBytes(directory);
    if (available < bytesNeeded) {
        throw Error("not enough free disk space in " + directory + ": the merged model needs " +
                    formatBytes(bytesNeeded) + " (" + std::to_string(bytesNeeded) + " bytes) but only " +
                    formatBytes(available) + " is free on that disk; free " + formatBytes(bytesNeeded - available) +
                    " or choose a workspace on another disk");
    }
}

std::string formatBytes(std::uint64_t bytes)
{
    static const char* const units[] = {"bytes", "kB", "MB", "GB", "TB", "PB"};
    if (bytes < 1000) {
        return std::to_string(bytes) + " bytes";
    }
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1000 && unit < 5) {
        value /= 1000;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.2f %s", value, units[unit]);
    return text;
}

} // namespace deepext
