#include "deepext/ollama/OllamaName.h"

#include <gtest/gtest.h>

using deepext::ollama::OllamaName;

TEST(OllamaName, ValidNames)
{
    for (const char* name : {"mario", "mario:latest", "acme/merged-llama:q4", "Mario", "a", "x.y_z-1:v1.2_3",
                             "registry.ollama.ai/library/x:y", "myhost:5000/ns/model:tag", "_x", "9lives"}) {
        EXPECT_TRUE(OllamaName::isValid(name)) << name << ": " << OllamaName::validationError(name);
    }
}

TEST(OllamaName, InvalidNames)
{
    for (const char* name : {"", "foo:", "/foo", "foo/", "-foo", ".foo", "foo bar", "a/b/c/d", "foo@sha256:abc",
                             "ns.x/model", "model:ta/g", "foo::bar", "a//b", "mod:-tag", "ünï"}) {
        EXPECT_FALSE(OllamaName::isValid(name)) << name;
    }
}

TEST(OllamaName, LengthLimits)
{
    EXPECT_TRUE(OllamaName::isValid(std::string(80, 'a')));
    const std::string tooLong(81, 'a');
    EXPECT_FALSE(OllamaName::isValid(tooLong));
    EXPECT_NE(OllamaName::validationError(tooLong).find("81"), std::string::npos);
    // Ollama's own limit is per part; ours is on the whole name.
    EXPECT_TRUE(OllamaName::parse(std::string(40, 'a') + ":" + std::string(40, 'b')).isValid());
    EXPECT_FALSE(OllamaName::isValid(std::string(40, 'a') + ":" + std::string(40, 'b')));
}

TEST(OllamaName, CloudTagsAreRefused)
{
    EXPECT_FALSE(OllamaName::isValid("x:cloud"));
    EXPECT_FALSE(OllamaName::isValid("x:LOCAL"));
    EXPECT_FALSE(OllamaName::isValid("x:big-cloud"));
    EXPECT_TRUE(OllamaName::isValid("x:cloudy"));
}

TEST(OllamaName, Parts)
{
    const OllamaName name = OllamaName::parse("myhost:5000/ns/model:tag");
    EXPECT_EQ(name.host(), "myhost:5000");
    EXPECT_EQ(name.nameSpace(), "ns");
    EXPECT_EQ(name.model(), "model");
    EXPECT_EQ(name.tag(), "tag");
    const OllamaName plain = OllamaName::parse("mario");
    EXPECT_EQ(plain.host(), "registry.ollama.ai");
    EXPECT_EQ(plain.nameSpace(), "library");
    EXPECT_EQ(plain.tag(), "latest");
}

TEST(OllamaName, DisplayAndComparison)
{
    EXPECT_EQ(OllamaName::displayForm("mario"), "mario:latest");
    EXPECT_EQ(OllamaName::displayForm("acme/x:q4"), "acme/x:q4");
    EXPECT_EQ(OllamaName::displayForm("Registry.Ollama.AI/Library/Mario:Q4"), "Mario:Q4");
    EXPECT_EQ(OllamaName::displayForm("host.com/library/x"), "host.com/library/x:latest");
    EXPECT_TRUE(OllamaName::sameModel("Mario", "mario:latest"));
    EXPECT_TRUE(OllamaName::sameModel("ACME/x:Q4_K_M", "acme/X:q4_k_m"));
    EXPECT_FALSE(OllamaName::sameModel("mario:a", "mario:b"));
    EXPECT_EQ(OllamaName::comparisonKey("Base_S_ab12_D_cd34_q8_0"), "base_s_ab12_d_cd34_q8_0:latest");
}
