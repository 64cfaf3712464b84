#pragma once

#include <cstdint>
#include <string>

namespace deepext {

// One file of a model directory as the model card lists it: written by the merge, recorded by the card, uploaded
// by the deploy. It lives in the base layer because all three use it and none of them may include another's types.
struct ManifestEntry
{
    std::string path; // relative to the model directory, '/'-separated
    std::uint64_t size = 0;
    std::string sha256;
};

} // namespace deepext
