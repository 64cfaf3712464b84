#include "deepext/merge/ModelCheckpoint.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace deepext {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSingleName = "model.safetensors";
constexpr const char* kIndexName = "model.safetensors.index.json";

bool isRegularFile(const fs::path& path)
{
    std::error_code error;
    return fs::is_regular_file(path, error);
}

struct DirectoryListing
{
    std::vector<std::string> safetensors; // weight files, sorted
    std::vector<std::string> adapters;    // adapter_model*.safetensors
    std::vector<std::string> pickles;     // *.bin, *.pt, *.pth
};

DirectoryListing listDirectory(const fs::path& directory)
{
    DirectoryListing listing;
    std::error_code error;
    for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        std::error_code typeError;
        if (name.starts_with(".") || !it->is_regular_file(typeError)) {
            continue; // hidden files include a writer's unfinished temp files
        }
        const std::string extension = it->path().extension().string();
        if (extension == ".safetensors") {
            (name.starts_with("adapter_model") ? listing.adapters : listing.safetensors).push_back(name);
        } else if (extension == ".bin" || extension == ".pt" || extension == ".pth") {
            listing.pickles.push_back(name);
        }
    }
    if (error) {
        throw Error("cannot list the model folder " + directory.string() + ": " + error.message());
    }
    std::sort(listing.safetensors.begin(), listing.safetensors.end());
    std::sort(listing.pickles.begin(), listing.pickles.end());
    return listing;
}

[[noreturn]] void throwNoWeights(const std::string& directory, const DirectoryListing& listing)
{
    if (!listing.adapters.empty()) {
        throw Error("no safetensors weights in " + directory + ": it holds a PEFT adapter (" +
                    listing.adapters.front() + "), not a base model; choose the base model's folder");
    }
    if (!listing.pickles.empty()) {
        throw Error("no safetensors weights in " + directory + ": only PyTorch pickle weights (" +
                    listing.pickles.front() +
                    ", like pytorch_model.bin) were found, and safetensors is required; convert with transformers: "
                    "AutoModelForCausalLM.from_pretrained(\"" +
                    directory + "\").save_pretrained(\"<new folder>\", safe_serialization=True)");
    }
    throw Error("no safetensors weights in " + directory + " (expected " + kSingleName + " or " + kIndexName +
                "; pytorch_model.bin is not supported either)");
}

std::map<std::string, std::string> readWeightMap(const std::string& indexPath)
{
    nlohmann::json index;
    try {
        index = nlohmann::json::parse(readWholeFile(indexPath));
    } catch (const nlohmann::json::exception& e) {
        throw Error("invalid index " + indexPath + ": not valid JSON (" + e.what() + ")");
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
        throw Error("invalid index " + indexPath + ": it has no \"weight_map\" object");
    }
    std::map<std::string, std::string> weightMap;
    for (const auto& [tensor, shard] : index["weight_map"].items()) {
        if (!shard.is_string()) {
            throw Error("invalid index " + indexPath + ": the weight_map entry of \"" + tensor +
                        "\" is not a file name");
        }
        const std::string& file = shard.get_ref<const std::string&>();
        // Shards are plain files next to the index; a path must not lead elsewhere.
        if (file.empty() || file == "." || file == ".." || file.find('/') != std::string::npos ||
            file.find('\\') != std::string::npos) {
            throw Error("invalid index " + indexPath + ": \"" + file + "\" (for \"" + tensor +
                        "\") is not a shard file name");
        }
        weightMap.emplace(tensor, file);
    }
    if (weightMap.empty()) {
        throw Error("invalid index " + indexPath + ": its weight_map is empty");
    }
    return weightMap;
}

} // namespace

ModelCheckpoint ModelCheckpoint::scan(const std::string& directory)
{
    const fs::path dir(directory);
    std::error_code error;
    if (!fs::is_directory(dir, error)) {
        throw Error(fs::exists(dir, error) ? "the model folder " + directory + " is not a folder"
                                           : "the model folder " + directory + " does not exist");
    }
    ModelCheckpoint checkpoint;
    checkpoint.directory = directory;

    // transformers' own order: a single model.safetensors wins over an index.
    std::vector<std::string> files;
    std::map<std::string, std::string> weightMap;
    if (isRegularFile(dir / kSingleName)) {
        files.emplace_back(kSingleName);
    } else if (isRegularFile(dir / kIndexName)) {
        checkpoint.indexFile = (dir / kIndexName).string();
        weightMap = readWeightMap(checkpoint.indexFile);
        for (const auto& [tensor, file] : weightMap) {
            files.push_back(file);
        }
        std::sort(files.begin(), files.end());
        files.erase(std::unique(files.begin(), files.end()), files.end());
        for (const std::string& file : files) {
            if (!isRegularFile(dir / file)) {
                throw Error("the index " + checkpoint.indexFile + " lists the shard " + file + ", but " +
                            (dir / file).string() + " is missing");
            }
        }
    } else {
        const DirectoryListing listing = listDirectory(dir);
        if (listing.safetensors.empty()) {
            throwNoWeights(directory, listing);
        }
        files = listing.safetensors;
    }

    for (const std::string& file : files) {
        checkpoint.shards.push_back(readSafeTensorsHeader((dir / file).string()));
        const std::size_t shardIndex = checkpoint.shards.size() - 1;
        for (const TensorInfo& tensor : checkpoint.shards.back().tensors) {
            const auto [it, inserted] = checkpoint.shardOfTensor.emplace(tensor.name, shardIndex);
            if (!inserted) {
                throw Error("the tensor \"" + tensor.name + "\" is in two shards of " + directory + ": " +
                            checkpoint.shards[it->second].path + " and " + checkpoint.shards.back().path);
            }
        }
    }

    if (checkpoint.isSharded()) {
        for (const auto& [tensor, file] : weightMap) {
            const auto found = checkpoint.shardOfTensor.find(tensor);
            const std::size_t expected =
                static_cast<std::size_t>(std::lower_bound(files.begin(), files.end(), file) - files.begin());
            if (found == checkpoint.shardOfTensor.end() || found->second != expected) {
                throw Error("the index " + checkpoint.indexFile + " puts the tensor \"" + tensor + "\" in " + file +
                            ", but that shard does not contain it" +
                            (found == checkpoint.shardOfTensor.end()
                                 ? std::string(" (no shard does)")
                                 : " (it is in " + checkpoint.shards[found->second].path + ")"));
            }
        }
        for (const auto& [tensor, shardIndex] : checkpoint.shardOfTensor) {
            if (!weightMap.contains(tensor)) {
                throw Error("the shard " + checkpoint.shards[shardIndex].path + " contains the tensor \"" + tensor +
                            "\", which the weight_map of " + checkpoint.indexFile + " does not list");
            }
        }
    }
    return checkpoint;
}

const TensorInfo* ModelCheckpoint::find(const std::string& name) const
{
    const auto it = shardOfTensor.find(name);
    return it == shardOfTensor.end() ? nullptr : shards[it->second].find(name);
}

std::uint64_t ModelCheckpoint::parameterCount() const
{
    std::uint64_t count = 0;
    for (const SafeTensorsHeader& shard : shards) {
        for (const TensorInfo& tensor : shard.tensors) {
            count += tensor.elementCount();
        }
    }
    return count;
}

std::uint64_t ModelCheckpoint::tensorBytes() const
{
    std::uint64_t bytes = 0;
    for (const SafeTensorsHeader& shard : shards) {
        for (const TensorInfo& tensor : shard.tensors) {
            bytes += tensor.byteSize();
        }
    }
    return bytes;
}

Dtype ModelCheckpoint::dominantDtype() const
{
    std::map<Dtype, std::uint64_t> bytesPerDtype;
    for (const SafeTensorsHeader& shard : shards) {
        for (const TensorInfo& tensor : shard.tensors) {
            bytesPerDtype[tensor.dtype] += tensor.byteSize();
        }
    }
    Dtype best = Dtype::F32; // an empty checkpoint
    std::uint64_t bestBytes = 0;
    for (const auto& [dtype, bytes] : bytesPerDtype) {
        if (bytes > bestBytes) { // ties keep the earlier dtype: deterministic
            best = dtype;
            bestBytes = bytes;
        }
    }
    return best;
}

} // namespace deepext
