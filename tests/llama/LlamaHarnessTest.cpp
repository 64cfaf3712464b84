// The judge's runtime itself: the pinned node-llama-cpp loads its prebuilt llama.cpp, reports llama.cpp's own
// load errors verbatim, and the reference Hugging Face tokenizer runs; a missing install fails with instructions.
#include "LlamaProbe.h"
#include "TinyModelFactory.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cstring>

using deepext::test::LlamaProbe;
using deepext::test::TinyModelFactory;

TEST(LlamaHarness, LoadsThePinnedPrebuiltLlamaCpp)
{
    const LlamaProbe probe;
    DEEPEXT_REQUIRE_LLAMA(probe);
    const auto answer = probe.run({{"version", true}});
    EXPECT_EQ(answer.at("version").at("nodeLlamaCpp"), "3.22.1");
    EXPECT_FALSE(answer.at("version").at("llamaCpp").get<std::string>().empty());
}

// A GGUF cut off after its header: llama.cpp's reader refuses it, and the probe passes llama.cpp's words on.
TEST(LlamaHarness, ReportsLlamaCppsOwnLoadError)
{
    const LlamaProbe probe;
    DEEPEXT_REQUIRE_LLAMA(probe);
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/truncated.gguf";
    std::string bytes = "GGUF";
    const auto append = [&bytes](const auto value) {
        char raw[sizeof(value)];
        std::memcpy(raw, &value, sizeof(value));
        bytes.append(raw, sizeof(value));
    };
    append(std::uint32_t{3}); // version
    append(std::uint64_t{1}); // one tensor
    append(std::uint64_t{2}); // two metadata entries, which never come
    deepext::writeFileAtomically(path, bytes);

    const auto info = probe.load(path);
    EXPECT_FALSE(info.loaded);
    EXPECT_NE(info.error.find("gguf_init_from"), std::string::npos) << info.error;
    EXPECT_NE(info.error.find("failed to load model"), std::string::npos) << info.error;

    // Asking a question of a model llama.cpp cannot load is a failure, with llama.cpp's reason.
    try {
        probe.nextTokenLogits(path, {{1, 2}});
        FAIL() << "evaluating an unloadable model succeeded";
    } catch (const deepext::Error& error) {
        EXPECT_NE(error.message().find("failed to load model"), std::string::npos) << error.message();
    }
}

TEST(LlamaHarness, MalformedRequestFailsWithTheReason)
{
    const LlamaProbe probe;
    DEEPEXT_REQUIRE_LLAMA(probe);
    try {
        probe.run({{"evaluate", {{1}}}});
        FAIL() << "a request without a model succeeded";
    } catch (const deepext::Error& error) {
        EXPECT_NE(error.message().find("\"model\""), std::string::npos) << error.message();
    }
}

// Without node_modules the tests fail (they never skip silently) and say what to run.
TEST(LlamaHarness, MissingInstallationSaysToRunTheInstallScript)
{
    QTemporaryDir empty;
    const LlamaProbe probe(empty.path().toStdString());
    EXPECT_NE(probe.missingInstallation().find("scripts/install-llama.sh"), std::string::npos);
    EXPECT_THROW(probe.run({{"version", true}}), deepext::Error);
}

// @huggingface/tokenizers on the tiny Llama 3 tokenizer (tests/data/tokenizers/llama3-bpe), against ids read off
// its vocabulary by hand: the post-processor prepends <|begin_of_text|>; " the" is one merged token; "and" is a
// vocabulary word taken whole (ignore_merges); "é" is its two UTF-8 bytes as GPT-2's byte characters; "hi" has no
// merge; a special token in the text is matched whole.
TEST(LlamaHarness, ReferenceTokenizerFollowsTheVocabulary)
{
    const LlamaProbe probe;
    DEEPEXT_REQUIRE_LLAMA(probe);
    const std::string folder = TinyModelFactory::tokenizerFolder("llama31");
    const auto tokenizer = nlohmann::json::parse(deepext::readWholeFile(folder + "/tokenizer.json"));
    const auto& vocab = tokenizer["model"]["vocab"];
    const auto id = [&vocab](const std::string& token) { return vocab.at(token).get<int>(); };
    const auto added = [&tokenizer](const std::string& content) {
        for (const auto& token : tokenizer["added_tokens"]) {
            if (token["content"] == content) {
                return token["id"].get<int>();
            }
        }
        throw deepext::Error("no added token " + content);
    };
    const int beginOfText = added("<|begin_of_text|>");

    const auto withSpecial = probe.hfTokenize(folder, {" the", "and", "\xC3\xA9", "hi<|eot_id|>"}, true);
    ASSERT_EQ(withSpecial.size(), 4u);
    EXPECT_EQ(withSpecial[0], (std::vector<int>{beginOfText, id("\xC4\xA0the")}));
    EXPECT_EQ(withSpecial[1], (std::vector<int>{beginOfText, id("and")}));
    EXPECT_EQ(withSpecial[2], (std::vector<int>{beginOfText, id("\xC3\x83"), id("\xC2\xA9")})); // bytes C3 A9
    EXPECT_EQ(withSpecial[3], (std::vector<int>{beginOfText, id("h"), id("i"), added("<|eot_id|>")}));
    const auto plain = probe.hfTokenize(folder, {" the"}, false);
    EXPECT_EQ(plain[0], (std::vector<int>{id("\xC4\xA0the")}));
}
