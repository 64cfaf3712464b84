#include "SentencePieceReference.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <sentencepiece_processor.h>

namespace deepext::test {
namespace {

namespace fs = std::filesystem;

// Python's str.strip() whitespace in ASCII, which is all the test texts put beside a special token.
bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// tokenizer_config.json's `<kind>_token`: a string, {"content": ...} or null.
std::string tokenContent(const nlohmann::json& config, const std::string& kind)
{
    const auto it = config.find(kind + "_token");
    if (it == config.end() || it->is_null()) {
        return {};
    }
    return it->is_string() ? it->get<std::string>() : it->value("content", "");
}

} // namespace

SentencePieceReference::SentencePieceReference()
    : m_processor(std::make_unique<sentencepiece::SentencePieceProcessor>())
{
}

SentencePieceReference::SentencePieceReference(SentencePieceReference&&) noexcept = default;
SentencePieceReference& SentencePieceReference::operator=(SentencePieceReference&&) noexcept = default;
SentencePieceReference::~SentencePieceReference() = default;

SentencePieceReference SentencePieceReference::load(const std::string& tokenizerDirectory)
{
    SentencePieceReference reference;
    const std::string modelPath = (fs::path(tokenizerDirectory) / "tokenizer.model").string();
    if (const auto status = reference.m_processor->Load(modelPath); !status.ok()) {
        throw Error("libsentencepiece cannot load " + modelPath + ": " + status.ToString());
    }
    const std::string configPath = (fs::path(tokenizerDirectory) / "tokenizer_config.json").string();
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(readWholeFile(configPath));
    } catch (const nlohmann::json::exception& error) {
        throw Error("cannot read " + configPath + ": " + error.what());
    }
    const auto decoder = config.find("added_tokens_decoder");
    if (decoder != config.end() && decoder->is_object()) {
        for (const auto& [id, token] : decoder->items()) {
            reference.m_addedTokens.push_back({token.at("content").get<std::string>(), std::stoi(id),
                                               token.value("lstrip", false), token.value("rstrip", false)});
        }
    }
    const auto idOf = [&](const std::string& kind) {
        const std::string content = tokenContent(config, kind);
        for (const auto& token : reference.m_addedTokens) {
            if (token.content == content) {
                return token.id;
            }
        }
        return content.empty() ? -1 : reference.m_processor->PieceToId(content);
    };
    if (config.value("add_bos_token", true)) {
        reference.m_bos = idOf("bos");
    }
    if (config.value("add_eos_token", false)) {
        reference.m_eos = idOf("eos");
    }
    return reference;
}

void SentencePieceReference::encodeFragment(const std::string& fragment, std::vector<int>& ids) const
{
    if (fragment.empty()) {
        return; // transformers drops empty fragments; SentencePiece would give nothing for them anyway
    }
    std::vector<int> pieces;
    if (const auto status = m_processor->Encode(fragment, &pieces); !status.ok()) {
        throw Error("libsentencepiece cannot encode \"" + fragment + "\": " + status.ToString());
    }
    ids.insert(ids.end(), pieces.begin(), pieces.end());
}

std::vector<int> SentencePieceReference::encode(const std::string& text) const
{
    std::vector<int> ids;
    if (m_bos >= 0) {
        ids.push_back(m_bos);
    }
    std::size_t fragmentStart = 0;
    std::size_t position = 0;
    while (position < text.size()) {
        const AddedToken* match = nullptr;
        for (const auto& token : m_addedTokens) {
            if (!token.content.empty() && text.compare(position, token.content.size(), token.content) == 0 &&
                (match == nullptr || token.content.size() > match->content.size())) {
                match = &token;
            }
        }
        if (match == nullptr) {
            ++position;
            continue;
        }
        std::size_t fragmentEnd = position;
        if (match->lstrip) {
            while (fragmentEnd > fragmentStart && isSpace(text[fragmentEnd - 1])) {
                --fragmentEnd;
            }
        }
        encodeFragment(text.substr(fragmentStart, fragmentEnd - fragmentStart), ids);
        ids.push_back(match->id);
        position += match->content.size();
        if (match->rstrip) {
            while (position < text.size() && isSpace(text[position])) {
                ++position;
            }
        }
        fragmentStart = position;
    }
    encodeFragment(text.substr(fragmentStart), ids);
    if (m_eos >= 0) {
        ids.push_back(m_eos);
    }
    return ids;
}

} // namespace deepext::test
