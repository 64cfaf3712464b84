#include "ModelFiles.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace deepext {
namespace fs = std::filesystem;
namespace {

// Files that describe the tokenizer or the chat format: the adapter's copy wins.
const std::set<std::string>& tokenizerFiles()
{
    static const std::set<std::string> names = {
        "tokenizer_config.json",
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer.model",
        "added_tokens.json",
        "merges.txt",
        "vocab.json",
        "vocab.txt",
        "sentencepiece.bpe.model",
        "spiece.model",
        "chat_template.jinja",
        "chat_template.json",
    };
    return names;
}

// Other files carried over from the base.
const std::set<std::string>& baseOnlyFiles()
{
    static const std::set<std::string> names = {
        "config.json",           "generation_config.json",         "preprocessor_config.json",
        "processor_config.json", "video_preprocessor_config.json",
    };
    return names;
}

bool isTokenizerFile(const std::string& name)
{
    return tokenizerFiles().count(name) != 0 || name.rfind("tokenizer.model.", 0) == 0;
}

bool isLicenceFile(const std::string& name)
{
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return upper.rfind("LICENSE", 0) == 0 || upper.rfind("LICENCE", 0) == 0 || upper.rfind("NOTICE", 0) == 0 ||
           upper.rfind("USE_POLICY", 0) == 0;
}

// Regular files directly in `directory` (and in additional_chat_templates/) that belong to the model.
std::map<std::string, std::string> modelFilesIn(const std::string& directory, bool tokenizerOnly, bool withCode)
{
    std::map<std::string, std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        if (!entry.is_regular_file(ec)) {
            continue;
        }
        const std::string name = entry.path().filename().string();
        const bool wanted =
            isTokenizerFile(name) || (!tokenizerOnly && (baseOnlyFiles().count(name) != 0 || isLicenceFile(name) ||
                                                         (withCode && entry.path().extension() == ".py")));
        if (wanted) {
            files[name] = entry.path().string();
        }
    }
    const fs::path templates = fs::path(directory) / "additional_chat_templates";
    if (fs::is_directory(templates, ec)) {
        for (const auto& entry : fs::directory_iterator(templates, ec)) {
            if (entry.is_regular_file(ec) && entry.path().extension() == ".jinja") {
                files["additional_chat_templates/" + entry.path().filename().string()] = entry.path().string();
            }
        }
    }
    return files;
}

std::string shortJson(const nlohmann::ordered_json& value)
{
    return value.is_null() ? "unset" : value.dump();
}

} // namespace

std::optional<std::string> ModelFiles::editConfig(const std::string& text, const std::string& path,
                                                  const ConfigEdits& edits, std::vector<std::string>& configChanges)
{
    nlohmann::ordered_json config;
    try {
        config = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error("the base model's config.json at " + path + " is not valid JSON", e.what());
    }
    if (!config.is_object()) {
        throw Error("the base model's config.json at " + path + " is not a JSON object");
    }
    bool changed = false;
    const auto set = [&](nlohmann::ordered_json& object, const std::string& key, const nlohmann::ordered_json& value,
                         const std::string& label) {
        const nlohmann::ordered_json old = object.contains(key) ? object[key] : nlohmann::ordered_json();
        if (old != value) {
            configChanges.push_back(label + ": " + shortJson(old) + " -> " + value.dump());
            object[key] = value;
            changed = true;
        }
    };
    if (edits.vocabSize) {
        // Multimodal configs keep the language model's vocabulary in text_config.
        if (!config.contains("vocab_size") && config.contains("text_config") && config["text_config"].is_object() &&
            config["text_config"].contains("vocab_size")) {
            set(config["text_config"], "vocab_size", *edits.vocabSize, "text_config.vocab_size");
        } else {
            set(config, "vocab_size", *edits.vocabSize, "vocab_size");
        }
    }
    if (edits.untieEmbeddings) {
        set(config, "tie_word_embeddings", false, "tie_word_embeddings");
    }
    if (edits.dtype) {
        const std::string name = torchDtypeName(*edits.dtype);
        set(config, "torch_dtype", name, "torch_dtype");
        if (config.contains("dtype")) {
            set(config, "dtype", name, "dtype");
        }
    }
    if (!changed) {
        return std::nullopt;
    }
    return config.dump(2, ' ', true) + "\n";
}

std::vector<ModelFile> ModelFiles::collect(const std::string& baseDirectory, const std::string& adapterDirectory,
                                           const ConfigEdits& edits, std::vector<std::string>& configChanges,
                                           std::vector<std::string>& warnings)
{
    // Custom modelling code only matters when config.json points at it (auto_map).
    bool withCode = false;
    const fs::path configPath = fs::path(baseDirectory) / "config.json";
    std::string configText;
    std::error_code ec;
    if (fs::is_regular_file(configPath, ec)) {
        configText = readWholeFile(configPath.string());
        withCode = configText.find("\"auto_map\"") != std::string::npos;
    } else {
        warnings.push_back("the base model at " + baseDirectory + " has no config.json; the merged model has none");
    }

    std::map<std::string, std::string> files = modelFilesIn(baseDirectory, false, withCode);
    for (const auto& [name, source] : modelFilesIn(adapterDirectory, true, false)) {
        files[name] = source;
    }

    std::vector<ModelFile> out;
    for (const auto& [name, source] : files) {
        ModelFile file;
        file.relativePath = name;
        if (name == "config.json") {
            if (std::optional<std::string> edited = editConfig(configText, source, edits, configChanges)) {
                file.content = std::move(*edited);
                file.size = file.content.size();
                out.push_back(std::move(file));
                continue;
            }
        }
        file.sourcePath = source;
        file.size = fs::file_size(source, ec);
        if (ec) {
            throw Error("cannot read " + source + ": " + ec.message());
        }
        out.push_back(std::move(file));
    }
    return out;
}

} // namespace deepext
