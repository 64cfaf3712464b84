#include "GgufEncoder.h"

#include "deepext/base/Error.h"

#include <bit>

namespace deepext::gguf {

bool isValidUtf8(std::string_view text)
{
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            length = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            length = 3;
            low = c == 0xe0 ? 0xa0 : 0x80;
            high = c == 0xed ? 0x9f : 0xbf;
        } else if (c >= 0xf0 && c <= 0xf4) {
            length = 4;
            low = c == 0xf0 ? 0x90 : 0x80;
            high = c == 0xf4 ? 0x8f : 0xbf;
        } else {
            return false;
        }
        if (i + length > n || s[i + 1] < low || s[i + 1] > high) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            if (s[i + k] < 0x80 || s[i + k] > 0xbf) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

void GgufEncoder::little(std::uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i) {
        m_out.push_back(static_cast<char>((value >> (8 * i)) & 0xffu));
    }
}

void GgufEncoder::string(std::string_view text)
{
    u64(text.size());
    m_out.append(text);
}

void GgufEncoder::scalar(GgufValueType type, const GgufValue::Scalar& scalar)
{
    switch (type) {
    case GgufValueType::UInt8:
        little(std::get<std::uint8_t>(scalar), 1);
        return;
    case GgufValueType::Int8:
        little(static_cast<std::uint8_t>(std::get<std::int8_t>(scalar)), 1);
        return;
    case GgufValueType::UInt16:
        little(std::get<std::uint16_t>(scalar), 2);
        return;
    case GgufValueType::Int16:
        little(static_cast<std::uint16_t>(std::get<std::int16_t>(scalar)), 2);
        return;
    case GgufValueType::UInt32:
        little(std::get<std::uint32_t>(scalar), 4);
        return;
    case GgufValueType::Int32:
        little(static_cast<std::uint32_t>(std::get<std::int32_t>(scalar)), 4);
        return;
    case GgufValueType::Float32:
        little(std::bit_cast<std::uint32_t>(std::get<float>(scalar)), 4);
        return;
    case GgufValueType::Bool:
        little(std::get<bool>(scalar) ? 1 : 0, 1);
        return;
    case GgufValueType::String:
        string(std::get<std::string>(scalar));
        return;
    case GgufValueType::UInt64:
        little(std::get<std::uint64_t>(scalar), 8);
        return;
    case GgufValueType::Int64:
        little(static_cast<std::uint64_t>(std::get<std::int64_t>(scalar)), 8);
        return;
    case GgufValueType::Float64:
        little(std::bit_cast<std::uint64_t>(std::get<double>(scalar)), 8);
        return;
    case GgufValueType::Array:
        break;
    }
    throw Error("internal error: a GGUF scalar of type " + ggufValueTypeName(type));
}

void GgufEncoder::value(const GgufValue& value)
{
    if (!value.isArray()) {
        scalar(value.type(), value.scalar());
        return;
    }
    u32(static_cast<std::uint32_t>(value.elementType()));
    u64(value.elements().size());
    for (const GgufValue::Scalar& element : value.elements()) {
        scalar(value.elementType(), element);
    }
}

} // namespace deepext::gguf
