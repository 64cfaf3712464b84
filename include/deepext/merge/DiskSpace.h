#pragma once

#include <cstdint>
#include <string>

namespace deepext {

// Bytes an unprivileged process may still write on the file system holding `directory` (statvfs f_bavail).
// Throws deepext::Error naming the folder when it cannot be asked.
std::uint64_t availableBytes(const std::string& directory);

// Throws deepext::Error naming the folder, the bytes needed and the bytes free when `bytesNeeded` do not fit.
// Test builds (DEEPEXT_FAULT_HOOKS) read DEEPEXT_FAULT_FREE_BYTES as the free space, to exercise the refusal.
void ensureFreeSpace(const std::string& directory, std::uint64_t bytesNeeded);

// "1.50 GB" style (decimal units, as disk tools and the Hub show sizes).
std::string formatBytes(std::uint64_t bytes);

} // namespace deepext
