// libFuzzer target for the safetensors header parser: any input must either parse or throw deepext::Error.
// Any other exception escapes and aborts (a finding), as do crashes and sanitizer reports.
#include "FuzzEntry.h"
#include "deepext/base/Error.h"
#include "deepext/merge/SafeTensorsFile.h"

DEEPEXT_FUZZ_ENTRY(safeTensorsHeader)
{
    try {
        // The input is the whole file: exercises length, UTF-8, JSON and layout rules together.
        const auto header = deepext::parseSafeTensorsHeader("fuzz.safetensors", data, size, size);
        // A header that parsed must describe a layout inside the file.
        FUZZ_CHECK(header.dataOffset == 8 + header.headerSize);
        for (const auto& tensor : header.tensors) {
            FUZZ_CHECK(tensor.begin <= tensor.end);
            FUZZ_CHECK(header.dataOffset + tensor.end <= header.fileSize);
        }
    } catch (const deepext::Error&) {
    }
    if (size >= 8) {
        // A larger claimed file size with only the input available: offsets may then index past the input.
        try {
            deepext::parseSafeTensorsHeader("fuzz.safetensors", data, size, std::uint64_t{size} + data[0]);
        } catch (const deepext::Error&) {
        }
    }
    return 0;
}
