// libFuzzer target for the safetensors header parser: any input must either parse or throw deepext::Error.
// Any other exception escapes and aborts (a finding), as do crashes and sanitizer reports.
// Build (clang): clang++ -std=c++20 -fsanitize=fuzzer,address,undefined -Iinclude tests/fuzz/SafeTensorsHeaderFuzz.cpp
//                <deepext_merge> <deepext_base> ...
#include "deepext/base/Error.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        // The input is the whole file: exercises length, UTF-8, JSON and layout rules together.
        deepext::parseSafeTensorsHeader("fuzz.safetensors", data, size, size);
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
