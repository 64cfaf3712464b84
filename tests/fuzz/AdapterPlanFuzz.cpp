// libFuzzer target for adapter_config.json parsing and the key mapping of an adapter onto a base checkpoint
// (AdapterConfig::fromJson + AdapterPlan::build). The bases are fixed: the golden cases' small checkpoints, whose
// headers are read once. Input layout (tests/fuzz/corpus/adapter_plan/ is built this way):
//   byte 0            which golden base (index modulo their count, in case-name order)
//   config text       adapter_config.json
//   "\n@@\n"          separator (absent: the adapter header is empty)
//   8 bytes           the adapter file's claimed size, little-endian (only its header is in the input)
//   header bytes      the adapter's safetensors header (8-byte length + JSON)
#include "FuzzEntry.h"
#include "deepext/base/Error.h"
#include "deepext/merge/AdapterConfig.h"
#include "deepext/merge/AdapterPlan.h"
#include "deepext/merge/ModelCheckpoint.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {
namespace adapter_plan_fuzz {

struct Base
{
    deepext::ModelCheckpoint checkpoint;
    deepext::BaseConfigFacts config;
};

const std::vector<Base>& bases()
{
    static const std::vector<Base> all = [] {
        std::vector<std::filesystem::path> dirs;
        for (const auto& entry : std::filesystem::directory_iterator(DEEPEXT_FUZZ_DATA_DIR "/golden")) {
            if (std::filesystem::is_directory(entry.path() / "base")) {
                dirs.push_back(entry.path() / "base");
            }
        }
        std::sort(dirs.begin(), dirs.end());
        std::vector<Base> out;
        for (const auto& dir : dirs) {
            Base base{deepext::ModelCheckpoint::scan(dir.string()), {}};
            std::ifstream in(dir / "config.json");
            const auto config = nlohmann::json::parse(in, nullptr, false);
            if (config.is_object()) {
                if (config.contains("tie_word_embeddings") && config["tie_word_embeddings"].is_boolean()) {
                    base.config.tieWordEmbeddings = config["tie_word_embeddings"].get<bool>();
                }
                if (config.contains("vocab_size") && config["vocab_size"].is_number_integer()) {
                    base.config.vocabSize = config["vocab_size"].get<std::int64_t>();
                }
                base.config.modelType = config.value("model_type", std::string());
            }
            out.push_back(std::move(base));
        }
        FUZZ_CHECK(!out.empty());
        return out;
    }();
    return all;
}

} // namespace adapter_plan_fuzz
} // namespace

DEEPEXT_FUZZ_ENTRY(adapterPlan)
{
    using namespace adapter_plan_fuzz;
    if (size < 1) {
        return 0;
    }
    const Base& base = bases()[data[0] % bases().size()];
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const auto separator = rest.find("\n@@\n");
    const std::string configText(rest.substr(0, separator));

    deepext::AdapterConfig config;
    try {
        config = deepext::AdapterConfig::fromJson(configText, "fuzz/adapter_config.json");
    } catch (const deepext::Error&) {
        return 0;
    }
    // The per-module rules a merge consults.
    try {
        const std::string module = "model.layers.0.self_attn.q_proj";
        const int rank = config.rankFor(module);
        config.alphaFor(module);
        if (rank > 0) {
            config.scalingFor(module, rank);
        }
    } catch (const deepext::Error&) {
    }

    deepext::SafeTensorsHeader adapter;
    adapter.path = "fuzz/adapter_model.safetensors";
    if (separator != std::string_view::npos && rest.size() - separator - 4 >= 8) {
        const auto* header = reinterpret_cast<const std::uint8_t*>(rest.data() + separator + 4);
        const std::size_t headerBytes = rest.size() - separator - 4 - 8;
        std::uint64_t fileSize = 0;
        std::memcpy(&fileSize, header, sizeof fileSize);
        try {
            adapter = deepext::parseSafeTensorsHeader(adapter.path, header + 8, headerBytes, fileSize);
        } catch (const deepext::Error&) {
            return 0;
        }
    }
    try {
        const auto plan = deepext::AdapterPlan::build(config, base.checkpoint, adapter, base.config);
        // A plan that validated must be executable: every output tensor has a shard listing it.
        for (const auto& [name, tensor] : plan.tensors) {
            FUZZ_CHECK(name == tensor.name);
            FUZZ_CHECK(tensor.shard < plan.shardTensors.size());
            if (tensor.delta) {
                FUZZ_CHECK(tensor.delta->rank > 0);
            }
        }
        std::size_t listed = 0;
        for (const auto& shard : plan.shardTensors) {
            listed += shard.size();
        }
        FUZZ_CHECK(listed == plan.tensors.size());
    } catch (const deepext::Error&) {
    }
    return 0;
}
