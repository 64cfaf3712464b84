#pragma once

#include <string>

namespace deepext {

// A fresh random (version 4) UUID from libuuid, lowercase with dashes.
std::string newUuidV4();
// The first four hex digits of a UUID: the suffix that goes into generated names.
std::string shortHex(const std::string& uuid);

} // namespace deepext
