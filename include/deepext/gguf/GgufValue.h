#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace deepext::gguf {

// GGUF metadata value types, numbered as on disk (ggml/src/gguf.cpp `gguf_type`).
enum class GgufValueType : std::uint32_t
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
};

// "UINT32", "STRING", ... as llama.cpp names them in its messages.
std::string ggufValueTypeName(GgufValueType type);

// One metadata value. llama.cpp reads every key with one exact type (a UINT32 key written as INT32 fails the load),
// so the type is explicit: build values with the named factories, never from a bare integer. Arrays hold elements
// of one scalar or string type (nested arrays are valid GGUF but never needed here).
class GgufValue
{
public:
    using Scalar = std::variant<std::uint8_t, std::int8_t, std::uint16_t, std::int16_t, std::uint32_t, std::int32_t,
                                float, bool, std::string, std::uint64_t, std::int64_t, double>;

    static GgufValue uint8(std::uint8_t v);
    static GgufValue int8(std::int8_t v);
    static GgufValue uint16(std::uint16_t v);
    static GgufValue int16(std::int16_t v);
    static GgufValue uint32(std::uint32_t v);
    static GgufValue int32(std::int32_t v);
    static GgufValue float32(float v);
    static GgufValue boolean(bool v);
    static GgufValue string(std::string v);
    static GgufValue uint64(std::uint64_t v);
    static GgufValue int64(std::int64_t v);
    static GgufValue float64(double v);
    static GgufValue stringArray(std::vector<std::string> v);
    static GgufValue int32Array(std::vector<std::int32_t> v);
    static GgufValue uint32Array(std::vector<std::uint32_t> v);
    static GgufValue float32Array(std::vector<float> v);
    // Any other array: elements of `elementType` (not Array).
    static GgufValue array(GgufValueType elementType, std::vector<Scalar> elements);

    GgufValueType type() const { return m_type; }
    bool isArray() const { return m_type == GgufValueType::Array; }
    GgufValueType elementType() const { return m_elementType; } // arrays only

    const Scalar& scalar() const { return m_scalar; }                  // non-arrays
    const std::vector<Scalar>& elements() const { return m_elements; } // arrays

    // Typed access; throws deepext::Error when the value has another type.
    std::uint32_t asUInt32() const;
    std::int32_t asInt32() const;
    float asFloat32() const;
    bool asBool() const;
    const std::string& asString() const;
    std::uint64_t arraySize() const { return m_elements.size(); }

    bool operator==(const GgufValue& other) const = default;

private:
    GgufValue() = default;
    GgufValueType m_type = GgufValueType::UInt8;
    GgufValueType m_elementType = GgufValueType::UInt8;
    Scalar m_scalar;
    std::vector<Scalar> m_elements;
};

struct GgufKeyValue
{
    std::string key;
    GgufValue value;
};

// Metadata in the order it will be written. Keys are unique: set() replaces an existing key's value in place.
class GgufMetadata
{
public:
    void set(const std::string& key, GgufValue value);
    // nullptr when absent.
    const GgufValue* find(const std::string& key) const;
    bool contains(const std::string& key) const { return find(key) != nullptr; }
    void remove(const std::string& key);
    // Appends every entry of `other` (replacing keys that exist).
    void merge(const GgufMetadata& other);

    const std::vector<GgufKeyValue>& entries() const { return m_entries; }
    std::size_t size() const { return m_entries.size(); }

private:
    std::vector<GgufKeyValue> m_entries;
};

} // namespace deepext::gguf
