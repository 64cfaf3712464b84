#pragma once

#include "deepext/gguf/GgufValue.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace deepext::gguf {

// Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF), as GGUF strings must be.
bool isValidUtf8(std::string_view text);

// Appends GGUF's little-endian encoding of numbers, strings and metadata values to a byte string.
class GgufEncoder
{
public:
    explicit GgufEncoder(std::string& out)
        : m_out(out)
    {
    }

    void u32(std::uint32_t value) { little(value, 4); }
    void u64(std::uint64_t value) { little(value, 8); }
    void string(std::string_view text); // u64 length, then the bytes (no NUL)
    void value(const GgufValue& value); // the value's bytes, without its type tag

private:
    void little(std::uint64_t value, int bytes);
    void scalar(GgufValueType type, const GgufValue::Scalar& scalar);

    std::string& m_out;
};

} // namespace deepext::gguf
