#include "deepext/gguf/GgufValue.h"

#include "deepext/base/Error.h"

#include <algorithm>

namespace deepext::gguf {
namespace {

template <typename T>
GgufValue::Scalar scalarOf(T v)
{
    return GgufValue::Scalar(std::in_place_type<T>, std::move(v));
}

template <typename T>
const T& expect(const GgufValue& value, GgufValueType type)
{
    if (value.type() != type) {
        throw Error("a GGUF value of type " + ggufValueTypeName(value.type()) + " was read as " +
                    ggufValueTypeName(type));
    }
    return std::get<T>(value.scalar());
}

} // namespace

std::string ggufValueTypeName(GgufValueType type)
{
    switch (type) {
    case GgufValueType::UInt8:
        return "UINT8";
    case GgufValueType::Int8:
        return "INT8";
    case GgufValueType::UInt16:
        return "UINT16";
    case GgufValueType::Int16:
        return "INT16";
    case GgufValueType::UInt32:
        return "UINT32";
    case GgufValueType::Int32:
        return "INT32";
    case GgufValueType::Float32:
        return "FLOAT32";
    case GgufValueType::Bool:
        return "BOOL";
    case GgufValueType::String:
        return "STRING";
    case GgufValueType::Array:
        return "ARRAY";
    case GgufValueType::UInt64:
        return "UINT64";
    case GgufValueType::Int64:
        return "INT64";
    case GgufValueType::Float64:
        return "FLOAT64";
    }
    return "type " + std::to_string(static_cast<std::uint32_t>(type));
}

#define DEEPEXT_GGUF_SCALAR_FACTORY(name, T, tag)                                                                      \
    GgufValue GgufValue::name(T v)                                                                                     \
    {                                                                                                                  \
        GgufValue value;                                                                                               \
        value.m_type = GgufValueType::tag;                                                                             \
        value.m_scalar = scalarOf<T>(std::move(v));                                                                    \
        return value;                                                                                                  \
    }
DEEPEXT_GGUF_SCALAR_FACTORY(uint8, std::uint8_t, UInt8)
DEEPEXT_GGUF_SCALAR_FACTORY(int8, std::int8_t, Int8)
DEEPEXT_GGUF_SCALAR_FACTORY(uint16, std::uint16_t, UInt16)
DEEPEXT_GGUF_SCALAR_FACTORY(int16, std::int16_t, Int16)
DEEPEXT_GGUF_SCALAR_FACTORY(uint32, std::uint32_t, UInt32)
DEEPEXT_GGUF_SCALAR_FACTORY(int32, std::int32_t, Int32)
DEEPEXT_GGUF_SCALAR_FACTORY(float32, float, Float32)
DEEPEXT_GGUF_SCALAR_FACTORY(boolean, bool, Bool)
DEEPEXT_GGUF_SCALAR_FACTORY(string, std::string, String)
DEEPEXT_GGUF_SCALAR_FACTORY(uint64, std::uint64_t, UInt64)
DEEPEXT_GGUF_SCALAR_FACTORY(int64, std::int64_t, Int64)
DEEPEXT_GGUF_SCALAR_FACTORY(float64, double, Float64)
#undef DEEPEXT_GGUF_SCALAR_FACTORY

GgufValue GgufValue::array(GgufValueType elementType, std::vector<Scalar> elements)
{
    if (elementType == GgufValueType::Array) {
        throw Error("nested GGUF arrays are not supported");
    }
    GgufValue value;
    value.m_type = GgufValueType::Array;
    value.m_elementType = elementType;
    value.m_elements = std::move(elements);
    return value;
}

GgufValue GgufValue::stringArray(std::vector<std::string> v)
{
    std::vector<Scalar> elements;
    elements.reserve(v.size());
    for (std::string& s : v) {
        elements.push_back(scalarOf<std::string>(std::move(s)));
    }
    return array(GgufValueType::String, std::move(elements));
}

GgufValue GgufValue::int32Array(std::vector<std::int32_t> v)
{
    std::vector<Scalar> elements;
    elements.reserve(v.size());
    for (const std::int32_t x : v) {
        elements.push_back(scalarOf<std::int32_t>(x));
    }
    return array(GgufValueType::Int32, std::move(elements));
}

GgufValue GgufValue::uint32Array(std::vector<std::uint32_t> v)
{
    std::vector<Scalar> elements;
    elements.reserve(v.size());
    for (const std::uint32_t x : v) {
        elements.push_back(scalarOf<std::uint32_t>(x));
    }
    return array(GgufValueType::UInt32, std::move(elements));
}

GgufValue GgufValue::float32Array(std::vector<float> v)
{
    std::vector<Scalar> elements;
    elements.reserve(v.size());
    for (const float x : v) {
        elements.push_back(scalarOf<float>(x));
    }
    return array(GgufValueType::Float32, std::move(elements));
}

std::uint32_t GgufValue::asUInt32() const
{
    return expect<std::uint32_t>(*this, GgufValueType::UInt32);
}

std::int32_t GgufValue::asInt32() const
{
    return expect<std::int32_t>(*this, GgufValueType::Int32);
}

float GgufValue::asFloat32() const
{
    return expect<float>(*this, GgufValueType::Float32);
}

bool GgufValue::asBool() const
{
    return expect<bool>(*this, GgufValueType::Bool);
}

const std::string& GgufValue::asString() const
{
    return expect<std::string>(*this, GgufValueType::String);
}

void GgufMetadata::set(const std::string& key, GgufValue value)
{
    for (GgufKeyValue& entry : m_entries) {
        if (entry.key == key) {
            entry.value = std::move(value);
            return;
        }
    }
    m_entries.push_back(GgufKeyValue{key, std::move(value)});
}

const GgufValue* GgufMetadata::find(const std::string& key) const
{
    for (const GgufKeyValue& entry : m_entries) {
        if (entry.key == key) {
            return &entry.value;
        }
    }
    return nullptr;
}

void GgufMetadata::remove(const std::string& key)
{
    m_entries.erase(
        std::remove_if(m_entries.begin(), m_entries.end(), [&](const GgufKeyValue& entry) { return entry.key == key; }),
        m_entries.end());
}

void GgufMetadata::merge(const GgufMetadata& other)
{
    for (const GgufKeyValue& entry : other.m_entries) {
        set(entry.key, entry.value);
    }
}

} // namespace deepext::gguf
