#pragma once
// Test support for the tokenizer-metadata tests: a model folder in a temporary directory made from the tiny real
// tokenizers of tests/data/tokenizers (and the real-world files of tests/data/realworld), plus typed access to the
// metadata they produce.
#include "deepext/base/Error.h"
#include "deepext/gguf/GgufValue.h"
#include "deepext/gguf/TokenizerMetadata.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tokenizer_test {

namespace fs = std::filesystem;
using deepext::gguf::GgufMetadata;
using deepext::gguf::GgufValue;
using deepext::gguf::GgufValueType;

inline std::string fixturePath(const std::string& name)
{
    return (fs::path(DEEPEXT_TEST_DATA_DIR) / "tokenizers" / name).string();
}

inline std::string realworldPath(const std::string& name)
{
    return (fs::path(DEEPEXT_TEST_DATA_DIR) / "realworld" / name).string();
}

inline std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline nlohmann::json readJson(const std::string& path)
{
    return nlohmann::json::parse(readText(path));
}

// A model folder of its own: a copy of one fixture (or empty), changed freely by the test.
class TokenizerTestFolder
{
public:
    explicit TokenizerTestFolder(const std::string& fixture = {})
    {
        if (!m_dir.isValid()) {
            throw std::runtime_error("cannot create a temporary directory");
        }
        if (!fixture.empty()) {
            fs::copy(fixturePath(fixture), path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        }
    }

    std::string path() const { return m_dir.path().toStdString(); }
    std::string file(const std::string& name) const { return (fs::path(path()) / name).string(); }
    bool has(const std::string& name) const { return fs::exists(file(name)); }

    nlohmann::json json(const std::string& name) const { return readJson(file(name)); }
    void writeJson(const std::string& name, const nlohmann::json& value) const { writeText(name, value.dump(2)); }
    void writeText(const std::string& name, const std::string& text) const
    {
        fs::create_directories(fs::path(file(name)).parent_path());
        std::ofstream(file(name), std::ios::binary | std::ios::trunc) << text;
    }
    void copyIn(const std::string& source, const std::string& name) const
    {
        fs::copy_file(source, file(name), fs::copy_options::overwrite_existing);
    }
    void remove(const std::string& name) const { fs::remove(file(name)); }

    // config.json of the folder (an empty object when there is none).
    nlohmann::json config() const { return has("config.json") ? json("config.json") : nlohmann::json::object(); }

    // readTokenizerMetadata with the folder's config.json, its vocab_size as the embedding rows unless given.
    GgufMetadata read(const std::string& architecture, std::uint32_t vocabSize = 0) const
    {
        const nlohmann::json configJson = config();
        if (vocabSize == 0 && configJson.contains("vocab_size")) {
            vocabSize = configJson["vocab_size"].get<std::uint32_t>();
        }
        return deepext::gguf::readTokenizerMetadata(path(), configJson, architecture, vocabSize);
    }

private:
    QTemporaryDir m_dir;
};

// The value of `key`; a missing key fails the test (and throws, so that the test stops there).
inline const GgufValue& value(const GgufMetadata& metadata, const std::string& key)
{
    const GgufValue* found = metadata.find(key);
    if (found == nullptr) {
        ADD_FAILURE() << "no key " << key;
        throw std::runtime_error("no key " + key);
    }
    return *found;
}

template <typename T>
std::vector<T> arrayOf(const GgufValue& array)
{
    std::vector<T> out;
    for (const GgufValue::Scalar& element : array.elements()) {
        out.push_back(std::get<T>(element));
    }
    return out;
}

inline std::vector<std::string> strings(const GgufMetadata& metadata, const std::string& key)
{
    const GgufValue& array = value(metadata, key);
    EXPECT_EQ(array.type(), GgufValueType::Array);
    EXPECT_EQ(array.elementType(), GgufValueType::String) << key;
    return arrayOf<std::string>(array);
}

inline std::vector<std::int32_t> tokenTypes(const GgufMetadata& metadata)
{
    const GgufValue& array = value(metadata, "tokenizer.ggml.token_type");
    EXPECT_EQ(array.elementType(), GgufValueType::Int32);
    return arrayOf<std::int32_t>(array);
}

inline std::vector<float> scores(const GgufMetadata& metadata)
{
    const GgufValue& array = value(metadata, "tokenizer.ggml.scores");
    EXPECT_EQ(array.elementType(), GgufValueType::Float32);
    return arrayOf<float>(array);
}

inline std::uint32_t uint32Of(const GgufMetadata& metadata, const std::string& key)
{
    return value(metadata, key).asUInt32();
}

inline bool boolOf(const GgufMetadata& metadata, const std::string& key)
{
    return value(metadata, key).asBool();
}

inline std::string stringOf(const GgufMetadata& metadata, const std::string& key)
{
    return value(metadata, key).asString();
}

// One expected key: its type and, for arrays, the element type.
struct KeyType
{
    std::string key;
    GgufValueType type;
    GgufValueType elementType = GgufValueType::UInt8;
};

inline KeyType arrayKey(const std::string& key, GgufValueType elementType)
{
    return KeyType{key, GgufValueType::Array, elementType};
}

// The metadata has exactly these keys, in any order, each with exactly its type.
inline void expectExactKeys(const GgufMetadata& metadata, const std::vector<KeyType>& expected)
{
    std::vector<std::string> actual;
    for (const auto& entry : metadata.entries()) {
        actual.push_back(entry.key);
    }
    std::vector<std::string> wanted;
    for (const KeyType& key : expected) {
        wanted.push_back(key.key);
        const GgufValue* found = metadata.find(key.key);
        if (found == nullptr) {
            ADD_FAILURE() << "missing key " << key.key;
            continue;
        }
        EXPECT_EQ(found->type(), key.type) << key.key << " is " << deepext::gguf::ggufValueTypeName(found->type());
        if (key.type == GgufValueType::Array) {
            EXPECT_EQ(found->elementType(), key.elementType) << key.key;
        }
    }
    std::sort(actual.begin(), actual.end());
    std::sort(wanted.begin(), wanted.end());
    EXPECT_EQ(actual, wanted);
}

// The message and details of the deepext::Error `action` throws; fails the test when it throws nothing.
inline std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const deepext::Error& e) {
        return e.message() + "\n" + e.details();
    }
    ADD_FAILURE() << "no deepext::Error was thrown";
    return {};
}

// The id of `text` in tokenizer.json (the model vocabulary or added_tokens).
inline std::uint32_t idInTokenizerJson(const nlohmann::json& tokenizer, const std::string& text)
{
    for (const auto& added : tokenizer["added_tokens"]) {
        if (added["content"] == text) {
            return added["id"].get<std::uint32_t>();
        }
    }
    return tokenizer["model"]["vocab"].at(text).get<std::uint32_t>();
}

} // namespace tokenizer_test
