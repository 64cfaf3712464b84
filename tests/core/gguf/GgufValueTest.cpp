#include "deepext/gguf/GgufValue.h"

#include "deepext/base/Error.h"

#include <gtest/gtest.h>

using namespace deepext::gguf;

TEST(GgufValue, TypedAccess_RefusesAnotherType)
{
    const GgufValue id = GgufValue::uint32(7);
    EXPECT_EQ(id.type(), GgufValueType::UInt32);
    EXPECT_EQ(id.asUInt32(), 7u);
    EXPECT_THROW(static_cast<void>(id.asInt32()), deepext::Error);
    const GgufValue tokens = GgufValue::stringArray({"a", "b"});
    EXPECT_TRUE(tokens.isArray());
    EXPECT_EQ(tokens.elementType(), GgufValueType::String);
    EXPECT_EQ(tokens.arraySize(), 2u);
    EXPECT_THROW(GgufValue::array(GgufValueType::Array, {}), deepext::Error);
}

TEST(GgufMetadata, Set_KeepsOrderAndReplacesInPlace)
{
    GgufMetadata metadata;
    metadata.set("general.architecture", GgufValue::string("llama"));
    metadata.set("llama.block_count", GgufValue::uint32(2));
    metadata.set("general.architecture", GgufValue::string("qwen2"));
    ASSERT_EQ(metadata.size(), 2u);
    EXPECT_EQ(metadata.entries()[0].key, "general.architecture");
    EXPECT_EQ(metadata.entries()[0].value.asString(), "qwen2");
    metadata.remove("general.architecture");
    EXPECT_FALSE(metadata.contains("general.architecture"));
    EXPECT_EQ(metadata.find("llama.block_count")->asUInt32(), 2u);
}
