#pragma once

#include <string>

namespace deepext {

// Writes a whole file so that readers see either the old content or the new, never a torn one:
// write a sibling temp file, fsync it, rename it over the target, fsync the directory.
// Throws deepext::Error naming the file on failure (the temp file is removed).
void writeFileAtomically(const std::string& path, const std::string& content);

// fsync a file or directory by path (directories need it after a rename to make the rename durable).
void syncPath(const std::string& path);

// Reads a whole file; throws deepext::Error naming it when it cannot be read.
std::string readWholeFile(const std::string& path);

} // namespace deepext
