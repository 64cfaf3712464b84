// libFuzzer target for the strict GGUF reader: any input must either parse or throw deepext::Error. Any other
// exception escapes and aborts (a finding), as do crashes and sanitizer reports.
#include "FuzzEntry.h"
#include "deepext/base/Error.h"
#include "deepext/gguf/GgufReader.h"

DEEPEXT_FUZZ_ENTRY(ggufHeader)
{
    try {
        // The input is the whole file: magic, counts, metadata, tensor infos, alignment and data layout together.
        const auto reader = deepext::gguf::GgufReader::parse("fuzz.gguf", data, size, size);
        // A file that parsed lays out every tensor inside itself, at aligned offsets.
        FUZZ_CHECK(reader.dataOffset() % reader.alignment() == 0);
        for (const auto& tensor : reader.tensors()) {
            FUZZ_CHECK(tensor.offset % reader.alignment() == 0);
            FUZZ_CHECK(reader.dataOffset() + tensor.offset + tensor.byteSize() <= reader.fileSize());
        }
        FUZZ_CHECK(reader.fileSize() == size);
    } catch (const deepext::Error&) {
    }
    if (size >= 8) {
        // Only part of a longer file in memory: a header running past it is reported, never read.
        try {
            deepext::gguf::GgufReader::parse("fuzz.gguf", data, size / 2, std::uint64_t{size} + data[0]);
        } catch (const deepext::Error&) {
        }
    }
    return 0;
}
