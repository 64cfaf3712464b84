#include "deepext/base/Naming.h"

#include "deepext/base/Error.h"
#include "deepext/base/Uuid.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace deepext;

TEST(Naming, GeneratedNames_FollowTheProductFormat)
{
    const std::string uuid = "1a2b3c4d-0000-4000-8000-000000000000";
    const std::string trained = naming::trainedName("qw2.5-7-i", "medqa", "20261128", uuid);
    EXPECT_EQ(trained, "qw2.5-7-i_medqa_20261128_1a2b");
    const std::string saved = naming::savedName(trained, "ffee0000-0000-4000-8000-000000000000");
    EXPECT_EQ(saved, "qw2.5-7-i_medqa_20261128_1a2b_s_ffee");
    EXPECT_EQ(naming::deployedName(saved, "0badcafe-0000-4000-8000-000000000000", "q4_K_M"),
              "qw2.5-7-i_medqa_20261128_1a2b_s_ffee_d_0bad_q4_K_M");
}

TEST(Naming, LongDeployedNames_KeepBothSuffixesAndTrimTheMiddle)
{
    // The names: 87 characters untrimmed.
    const std::string trained = naming::trainedName("qwen2.5-7b-instruct-base01", "customer-support-v2-final",
                                                    "20261205", "abcd0000-0000-4000-8000-000000000000");
    const std::string saved = naming::savedName(trained, "ffee0000-0000-4000-8000-000000000000");
    const std::string uuid = "0badcafe-0000-4000-8000-000000000000";
    ASSERT_EQ((saved + "_d_0bad_q4_K_M").size(), 87U);
    const std::string name = naming::deployedName(saved, uuid, "q4_K_M");
    // 80 = 59 of the trained name (its first 29 + "--" + its last 28) + "_s_ffee" + "_d_0bad_q4_K_M".
    EXPECT_EQ(name, "qwen2.5-7b-instruct-base01_cu--pport-v2-final_20261205_abcd_s_ffee_d_0bad_q4_K_M");
    EXPECT_EQ(name.size(), 80U);
    // The same inputs give the same name; a longer quantization trims more, never the suffixes.
    EXPECT_EQ(naming::deployedName(saved, uuid, "q4_K_M"), name);
    const std::string unquantized = naming::deployedName(saved, uuid, "no_quantization");
    EXPECT_EQ(unquantized.size(), 80U);
    EXPECT_EQ(unquantized.substr(unquantized.size() - 30), "_s_ffee_d_0bad_no_quantization");
    EXPECT_EQ(unquantized.substr(0, 20), "qwen2.5-7b-instruct-");
    // Exactly at the limit nothing is trimmed; one more character is.
    const std::string fits(80 - 7 - 14, 'a');
    EXPECT_EQ(naming::deployedName(fits + "_s_1234", uuid, "q4_K_M"), fits + "_s_1234_d_0bad_q4_K_M");
    const std::string trimmed = naming::deployedName(fits + "b_s_1234", uuid, "q4_K_M");
    EXPECT_EQ(trimmed.size(), 80U);
    EXPECT_NE(trimmed.find("--"), std::string::npos);
    EXPECT_EQ(trimmed.substr(trimmed.size() - 21), "_s_1234_d_0bad_q4_K_M");
}

TEST(Naming, DeployedNames_WithoutASavedSuffixOrWithOddCharacters_StayValid)
{
    const std::string uuid = "0badcafe-0000-4000-8000-000000000000";
    // A folder not named by us: no "_s_<4hex>" to keep, characters Ollama refuses replaced.
    EXPECT_EQ(naming::deployedName("my model+v1", uuid, "q8_0"), "my-model-v1_d_0bad_q8_0");
    EXPECT_EQ(naming::deployedName(".hidden", uuid, "q8_0"), "_hidden_d_0bad_q8_0");
    const std::string name = naming::deployedName(std::string(120, 'x') + "_s_zzzz", uuid, "q8_0");
    EXPECT_EQ(name.size(), 80U);
    EXPECT_EQ(name.substr(name.size() - 15), "zzz_d_0bad_q8_0"); // "_s_zzzz" is no saved suffix: trimmed
    EXPECT_NE(name.find("--"), std::string::npos);
    EXPECT_THROW(naming::deployedName("abc_s_1234", uuid, "q8_0", 20), Error);
}

TEST(Naming, Uuid_IsVersion4AndFresh)
{
    const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        const std::string uuid = newUuidV4();
        EXPECT_TRUE(std::regex_match(uuid, v4)) << uuid;
        seen.insert(uuid);
    }
    EXPECT_EQ(seen.size(), 200U);
    EXPECT_EQ(shortHex("abcd1234-0000-4000-8000-000000000000"), "abcd");
}

TEST(Naming, TechnicalNames_AcceptTheAllowedAlphabet)
{
    for (const std::string& name : std::vector<std::string>{"qw2.5-7-i", "a", "Llama_3.1-8B", std::string(40, 'x')}) {
        EXPECT_EQ(naming::checkTechnicalName(name), "") << name;
    }
}

TEST(Naming, TechnicalNames_RefusePathTricksWithAReason)
{
    const std::vector<std::pair<std::string, std::string>> bad{
        {"", "empty"},           {"../etc", "start with a letter"},
        {"a/b", "'/'"},          {"a b", "a space"},
        {"a..b", "'..'"},        {std::string(41, 'x'), "at most 40"},
        {"-lead", "start with"}, {std::string("a\tb"), "control character"},
        {"/abs", "start with"},  {"x\\y", "'\\'"}};
    for (const auto& [name, reason] : bad) {
        const std::string message = naming::checkTechnicalName(name);
        EXPECT_NE(message.find(reason), std::string::npos) << "name '" << name << "' gave: " << message;
    }
}

TEST(Naming, Collision_DrawsANewUuid)
{
    int draws = 0;
    const auto unique = naming::drawUniqueName(
        [&](const std::string& uuid) {
            ++draws;
            // The first two draws collide, whatever their UUID.
            return draws <= 2 ? std::string("taken") : "free_" + shortHex(uuid);
        },
        [](const std::string& name) { return name == "taken"; });
    EXPECT_EQ(draws, 3);
    EXPECT_EQ(unique.name, "free_" + shortHex(unique.uuid));
}

TEST(Naming, Collision_GivesUpWithAClearError)
{
    EXPECT_THROW(naming::drawUniqueName([](const std::string&) { return std::string("same"); },
                                        [](const std::string&) { return true; }),
                 Error);
}

TEST(Naming, SafePathComponent_RefusesEscapes)
{
    EXPECT_TRUE(naming::isSafePathComponent("demo-llama_demo-lora_20261128_abcd_s_0123"));
    for (const std::string& bad : std::vector<std::string>{"", ".", "..", "../x", "a/b", "x/../../y", "/abs"}) {
        EXPECT_FALSE(naming::isSafePathComponent(bad)) << bad;
    }
}

TEST(Naming, DateStamp_IsTheLocalCalendarDate)
{
    const std::string stamp = naming::localDateStamp();
    ASSERT_EQ(stamp.size(), 8U);
    const std::time_t now = std::time(nullptr);
    char expected[16];
    std::strftime(expected, sizeof expected, "%Y%m%d", std::localtime(&now));
    EXPECT_EQ(stamp, expected);
}
