#include "deepext/merge/AdapterPlan.h"

#include "deepext/base/Error.h"

#include <algorithm>
#include <set>

namespace deepext {
namespace {

const std::string kPrefix = "base_model.model.";

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        text += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return text + "]";
}

// The adapter tensors of one LoRA module, gathered from their keys.
struct ModuleParts
{
    std::optional<TensorInfo> a;
    std::optional<TensorInfo> b;
    std::optional<TensorInfo> magnitude;
    std::optional<TensorInfo> bias;
    bool embedding = false;  // lora_embedding_A/B
    bool mixedKinds = false; // both lora_A/B and lora_embedding_A/B
};

// Model types whose projections are transformers Conv1D (weights stored [in, out]).
bool isConv1DModelType(const std::string& modelType)
{
    static const std::set<std::string> types = {"gpt2", "openai-gpt", "imagegpt", "decision_transformer"};
    return types.count(modelType) != 0;
}

class Planner
{
public:
    Planner(const AdapterConfig& config, const ModelCheckpoint& base, const SafeTensorsHeader& adapter,
            const BaseConfigFacts& baseConfig)
        : m_config(config)
        , m_base(base)
        , m_adapter(adapter)
        , m_baseConfig(baseConfig)
    {
    }

    AdapterPlan run();

private:
    void problem(std::string text) { m_problems.push_back(std::move(text)); }
    std::optional<std::string> resolveBase(const std::string& name);
    std::optional<std::string> inputEmbeddingName() const;
    TensorPlan& planFor(const std::string& baseName);
    void classify(const TensorInfo& tensor);
    void planModule(const std::string& module, const ModuleParts& parts);
    void planReplacement(const std::string& target, const TensorInfo& tensor);
    void planTokens(const std::string& module, const TensorInfo& tensor);
    bool checkFactorDtype(const TensorInfo& tensor);
    bool isTiedModel() const;

    const AdapterConfig& m_config;
    const ModelCheckpoint& m_base;
    const SafeTensorsHeader& m_adapter;
    const BaseConfigFacts& m_baseConfig;
    AdapterPlan m_plan;
    std::vector<std::string> m_problems;
    std::map<std::string, ModuleParts> m_modules;
    std::vector<std::pair<std::string, TensorInfo>> m_replacements; // (target tensor name, adapter tensor)
    std::vector<std::pair<std::string, TensorInfo>> m_tokens;       // (module, adapter tensor)
    std::set<std::string> m_warned;
};

bool Planner::isTiedModel() const
{
    // Without lm_head.weight the checkpoint can only be a tied model (transformers would otherwise initialise a
    // random head); config.json says so too when it has the key.
    return m_base.find("lm_head.weight") == nullptr && m_baseConfig.tieWordEmbeddings.value_or(true);
}

std::optional<std::string> Planner::inputEmbeddingName() const
{
    static const std::vector<std::string> suffixes = {"embed_tokens.weight", "wte.weight", "word_embeddings.weight",
                                                      "embed_in.weight", "tok_embeddings.weight"};
    for (const std::string& suffix : suffixes) {
        std::vector<std::string> found;
        for (const auto& entry : m_base.shardOfTensor) {
            if (entry.first == suffix || endsWith(entry.first, "." + suffix)) {
                found.push_back(entry.first);
            }
        }
        if (found.size() == 1) {
            return found.front();
        }
    }
    return std::nullopt;
}

// Exact name first; then a unique dotted-suffix match either way (adapters trained on a wrapper whose module
// path has an extra or a missing leading component); otherwise nothing.
std::optional<std::string> Planner::resolveBase(const std::string& name)
{
    if (m_base.find(name) != nullptr) {
        return name;
    }
    std::vector<std::string> found;
    for (const auto& entry : m_base.shardOfTensor) {
        if (endsWith(entry.first, "." + name) || endsWith(name, "." + entry.first)) {
            found.push_back(entry.first);
        }
    }
    if (found.size() == 1) {
        if (m_warned.insert("suffix").second) {
            m_plan.warnings.push_back("adapter module names differ from the base checkpoint's tensor names (e.g. " +
                                      name + " matched " + found.front() + "); matched by unique suffix");
        }
        return found.front();
    }
    if (found.size() > 1) {
        problem("the adapter's " + name + " matches " + std::to_string(found.size()) +
                " base tensors by suffix (e.g. " + found[0] + " and " + found[1] + "); cannot tell which");
    }
    return std::nullopt;
}

TensorPlan& Planner::planFor(const std::string& baseName)
{
    return m_plan.tensors.at(baseName);
}

bool Planner::checkFactorDtype(const TensorInfo& tensor)
{
    if (!isMergeableFloat(tensor.dtype)) {
        problem("adapter tensor " + tensor.name + " has dtype " + dtypeName(tensor.dtype) +
                "; only F32, F16 and BF16 adapter tensors can be merged");
        return false;
    }
    return true;
}

void Planner::classify(const TensorInfo& tensor)
{
    std::string key = tensor.name;
    if (key.rfind(kPrefix, 0) == 0) {
        key = key.substr(kPrefix.size());
    }
    const auto module = [&](const std::string& suffix) { return key.substr(0, key.size() - suffix.size()); };
    const auto factor = [&](const std::string& suffix, std::optional<TensorInfo> ModuleParts::*slot, bool embedding) {
        ModuleParts& parts = m_modules[module(suffix)];
        if (parts.a || parts.b) {
            parts.mixedKinds = parts.mixedKinds || parts.embedding != embedding;
        }
        parts.embedding = embedding;
        parts.*slot = tensor;
    };
    if (endsWith(key, ".lora_A.weight")) {
        factor(".lora_A.weight", &ModuleParts::a, false);
    } else if (endsWith(key, ".lora_B.weight")) {
        factor(".lora_B.weight", &ModuleParts::b, false);
    } else if (endsWith(key, ".lora_embedding_A")) {
        factor(".lora_embedding_A", &ModuleParts::a, true);
    } else if (endsWith(key, ".lora_embedding_B")) {
        factor(".lora_embedding_B", &ModuleParts::b, true);
    } else if (endsWith(key, ".lora_B.bias")) {
        m_modules[module(".lora_B.bias")].bias = tensor;
    } else if (endsWith(key, ".lora_magnitude_vector")) {
        m_modules[module(".lora_magnitude_vector")].magnitude = tensor;
    } else if (endsWith(key, ".lora_magnitude_vector.weight")) {
        m_modules[module(".lora_magnitude_vector.weight")].magnitude = tensor;
    } else if (endsWith(key, ".token_adapter.trainable_tokens_delta")) {
        m_tokens.emplace_back(module(".token_adapter.trainable_tokens_delta"), tensor);
    } else if (endsWith(key, ".base_layer.weight")) {
        m_replacements.emplace_back(module(".base_layer.weight") + ".weight", tensor);
    } else if (endsWith(key, ".base_layer.bias")) {
        m_replacements.emplace_back(module(".base_layer.bias") + ".bias", tensor);
    } else if (key.find("lora_") != std::string::npos || key.find(".token_adapter.") != std::string::npos) {
        // lora_E (AdaLoRA), lora_A.<adapter name>.weight, ... : not a key layout PEFT's LoRA saves.
        problem("adapter tensor " + tensor.name +
                " is not a LoRA key we know (expected ...lora_A.weight, "
                "...lora_B.weight, ...lora_embedding_A/B, ...lora_magnitude_vector)");
    } else {
        // modules_to_save copies, saved embeddings, biases saved with bias="all"/"lora_only".
        m_replacements.emplace_back(key, tensor);
    }
}

void Planner::planModule(const std::string& module, const ModuleParts& parts)
{
    if (parts.mixedKinds) {
        problem("module " + module + " has both lora_A/lora_B and lora_embedding_A/lora_embedding_B tensors");
        return;
    }
    const std::string aName = parts.embedding ? "lora_embedding_A" : "lora_A";
    const std::string bName = parts.embedding ? "lora_embedding_B" : "lora_B";
    if (!parts.a || !parts.b) {
        if (!parts.a && !parts.b) {
            problem("module " + module + " has " + (parts.magnitude ? "a lora_magnitude_vector" : "a lora_B.bias") +
                    " but no lora_A or lora_B");
        } else {
            problem("module " + module + " has " + (parts.a ? aName : bName) + " but no " + (parts.a ? bName : aName) +
                    " (" + (parts.a ? parts.a->name : parts.b->name) + ")");
        }
        return;
    }
    const TensorInfo& a = *parts.a;
    const TensorInfo& b = *parts.b;
    bool ok = checkFactorDtype(a);
    ok = checkFactorDtype(b) && ok;
    if (a.shape.size() != 2 || b.shape.size() != 2) {
        problem("module " + module + ": " + aName + " " + shapeText(a.shape) + " and " + bName + " " +
                shapeText(b.shape) + " must both be matrices");
        return;
    }
    const std::int64_t rank = a.shape[0];
    if (b.shape[1] != rank) {
        problem("module " + module + ": " + aName + " " + shapeText(a.shape) + " and " + bName + " " +
                shapeText(b.shape) + " disagree on the rank");
        return;
    }
    const int configRank = m_config.rankFor(module);
    if (configRank != rank) {
        problem("module " + module + ": adapter_config.json gives rank " + std::to_string(configRank) +
                " (r or rank_pattern) but " + aName + " has rank " + std::to_string(rank));
        ok = false;
    }
    if (parts.magnitude && !m_config.useDora) {
        problem("module " + module + " has a lora_magnitude_vector but adapter_config.json has use_dora false");
        ok = false;
    }
    if (!parts.magnitude && m_config.useDora) {
        problem("module " + module + " has no lora_magnitude_vector but adapter_config.json has use_dora true");
        ok = false;
    }
    if (parts.bias && !m_config.loraBias) {
        problem("module " + module + " has a lora_B.bias but adapter_config.json has lora_bias false");
        ok = false;
    }
    if (parts.embedding && parts.bias) {
        problem("module " + module + ": an embedding LoRA cannot have a lora_B.bias");
        ok = false;
    }

    // Which base tensor? A LoRA on lm_head of a tied model lands on the input embedding (docs/peft-notes.md, "Tied
    // embeddings").
    std::optional<std::string> weight = resolveBase(module + ".weight");
    bool tiedHead = false;
    if (!weight && (module == "lm_head" || endsWith(module, ".lm_head")) && isTiedModel()) {
        weight = inputEmbeddingName();
        tiedHead = weight.has_value();
    }
    if (!weight) {
        problem("module " + module + " has a LoRA but the base model has no tensor " + module + ".weight");
        return;
    }
    TensorPlan& plan = planFor(*weight);
    if (!isMergeableFloat(plan.computeDtype)) {
        problem("base tensor " + *weight + " has dtype " + dtypeName(plan.computeDtype) +
                "; LoRA can only be merged into F32, F16 or BF16 weights (is the base quantized?)");
        return;
    }
    if (plan.delta) {
        problem("base tensor " + *weight + " receives two LoRA deltas (from " + plan.delta->module + " and " + module +
                ")" + (tiedHead ? "; LoRA on both the input embedding and the tied lm_head is not supported" : ""));
        return;
    }
    if (tiedHead) {
        m_plan.warnings.push_back("the base ties lm_head to " + *weight + "; the LoRA on " + module +
                                  " was merged into " + *weight +
                                  ", which changes the input embedding too (as PEFT "
                                  "does)");
    }

    const std::vector<std::int64_t>& w = plan.shape;
    LoraDelta delta;
    delta.module = module;
    delta.a = a;
    delta.b = b;
    delta.rank = static_cast<int>(rank);
    delta.alpha = m_config.alphaFor(module);
    delta.scaling = m_config.scalingFor(module, delta.rank);
    std::int64_t outFeatures = 0;
    if (w.size() != 2) {
        problem("module " + module + ": base tensor " + *weight + " has shape " + shapeText(w) +
                ", not a matrix LoRA can apply to");
        return;
    }
    if (parts.embedding) {
        delta.layout = DeltaLayout::Embedding;
        outFeatures = b.shape[0];
        if (w[0] != a.shape[1] || w[1] != b.shape[0]) {
            problem("module " + module + ": lora_embedding_A " + shapeText(a.shape) + " and lora_embedding_B " +
                    shapeText(b.shape) + " do not fit base tensor " + *weight + " " + shapeText(w));
            return;
        }
    } else {
        outFeatures = b.shape[0];
        const bool linearFits = w[0] == b.shape[0] && w[1] == a.shape[1];
        const bool conv1dFits = w[0] == a.shape[1] && w[1] == b.shape[0];
        if (!linearFits && !conv1dFits) {
            problem("module " + module + ": lora_A " + shapeText(a.shape) + " and lora_B " + shapeText(b.shape) +
                    " do not fit base tensor " + *weight + " " + shapeText(w) + " (expected [" +
                    std::to_string(b.shape[0]) + ", " + std::to_string(a.shape[1]) + "])");
            return;
        }
        // PEFT decides per layer: nn.Linear means no transpose, transformers Conv1D (GPT-2 family) means
        // transpose, whatever the saved fan_in_fan_out says. Only square weights need the model type to decide.
        bool conv1d = conv1dFits && !linearFits;
        if (linearFits && conv1dFits) {
            conv1d =
                isConv1DModelType(m_baseConfig.modelType) || (m_baseConfig.modelType.empty() && m_config.fanInFanOut);
        }
        delta.layout = conv1d ? DeltaLayout::Conv1D : DeltaLayout::Linear;
        if (conv1d != m_config.fanInFanOut && m_warned.insert("fifo").second) {
            m_plan.warnings.push_back(std::string("adapter_config.json says fan_in_fan_out ") +
                                      (m_config.fanInFanOut ? "true" : "false") + " but the base weights are " +
                                      (conv1d ? "Conv1D ([in, out])" : "Linear ([out, in])") +
                                      "; merged as the weights' layout says, as PEFT does");
        }
    }
    if (parts.magnitude) {
        const TensorInfo& m = *parts.magnitude;
        ok = checkFactorDtype(m) && ok;
        if (m.shape != std::vector<std::int64_t>{outFeatures}) {
            problem("module " + module + ": lora_magnitude_vector " + shapeText(m.shape) + " should be [" +
                    std::to_string(outFeatures) + "]");
            ok = false;
        }
        delta.magnitude = m;
    }
    if (parts.bias) {
        ok = checkFactorDtype(*parts.bias) && ok;
        const std::optional<std::string> biasName = resolveBase(module + ".bias");
        if (!biasName) {
            problem("module " + module + " has a lora_B.bias but the base model has no tensor " + module + ".bias");
            ok = false;
        } else {
            TensorPlan& biasPlan = planFor(*biasName);
            if (parts.bias->shape != std::vector<std::int64_t>{outFeatures} ||
                biasPlan.shape != std::vector<std::int64_t>{outFeatures}) {
                problem("module " + module + ": lora_B.bias " + shapeText(parts.bias->shape) + " and base " +
                        *biasName + " " + shapeText(biasPlan.shape) + " should both be [" +
                        std::to_string(outFeatures) + "]");
                ok = false;
            } else if (!isMergeableFloat(biasPlan.computeDtype)) {
                problem("base tensor " + *biasName + " has dtype " + dtypeName(biasPlan.computeDtype) +
                        "; a LoRA bias can only be added to F32, F16 or BF16");
                ok = false;
            } else if (ok) {
                biasPlan.loraBias = parts.bias;
                biasPlan.loraBiasScaling = delta.scaling;
            }
        }
    }
    if (!ok) {
        return;
    }
    ModuleScaling scaling;
    scaling.module = module;
    scaling.rank = delta.rank;
    scaling.alpha = delta.alpha;
    scaling.scaling = delta.scaling;
    scaling.dora = delta.magnitude.has_value();
    m_plan.scalings.push_back(scaling);
    plan.delta = std::move(delta);
}

void Planner::planReplacement(const std::string& target, const TensorInfo& tensor)
{
    std::optional<std::string> name = resolveBase(target);
    if (!name && (target == "lm_head.weight" || endsWith(target, ".lm_head.weight")) && isTiedModel()) {
        // modules_to_save=["lm_head"] on a tied model: PEFT puts back a separate trained head and unties.
        const std::optional<std::string> embedding = inputEmbeddingName();
        if (embedding) {
            const TensorPlan& source = planFor(*embedding);
            TensorPlan plan;
            plan.name = target;
            plan.shard = source.shard;
            plan.computeDtype = source.computeDtype;
            plan.shape = tensor.shape;
            if (tensor.shape.size() != 2 || tensor.shape[1] != source.shape[1]) {
                problem("adapter tensor " + tensor.name + " " + shapeText(tensor.shape) +
                        " does not fit the tied embedding " + *embedding + " " + shapeText(source.shape));
                return;
            }
            if (!isMergeableFloat(tensor.dtype) || !isMergeableFloat(plan.computeDtype)) {
                problem("adapter tensor " + tensor.name + " has dtype " + dtypeName(tensor.dtype) +
                        "; only F32, F16 and BF16 can be merged");
                return;
            }
            plan.replacement = tensor;
            m_plan.tensors.emplace(target, plan);
            m_plan.shardTensors[plan.shard].push_back(target);
            m_plan.untieEmbeddings = true;
            m_plan.warnings.push_back("the adapter saves its own " + target +
                                      " for a base with tied embeddings; the "
                                      "merged model gets a separate lm_head and tie_word_embeddings false");
            return;
        }
    }
    if (!name) {
        problem("adapter tensor " + tensor.name + " replaces " + target + ", which the base model does not have");
        return;
    }
    TensorPlan& plan = planFor(*name);
    if (plan.replacement) {
        problem("base tensor " + *name + " is replaced twice (by " + plan.replacement->name + " and " + tensor.name +
                ")");
        return;
    }
    if (tensor.shape != plan.shape) {
        // A resized vocabulary: same row width, another row count, on a vocabulary-sized matrix.
        const bool vocabLike =
            plan.shape.size() == 2 && tensor.shape.size() == 2 && tensor.shape[1] == plan.shape[1] &&
            (m_baseConfig.vocabSize ? plan.shape[0] == *m_baseConfig.vocabSize
                                    : (endsWith(*name, "embed_tokens.weight") || endsWith(*name, "lm_head.weight")));
        if (!vocabLike) {
            problem("adapter tensor " + tensor.name + " " + shapeText(tensor.shape) + " does not fit base tensor " +
                    *name + " " + shapeText(plan.shape));
            return;
        }
        if (m_plan.newVocabSize && *m_plan.newVocabSize != tensor.shape[0]) {
            problem("the adapter resizes the vocabulary to both " + std::to_string(*m_plan.newVocabSize) + " and " +
                    std::to_string(tensor.shape[0]) + " rows");
            return;
        }
        m_plan.newVocabSize = tensor.shape[0];
        plan.shape = tensor.shape;
    }
    if (tensor.dtype != plan.computeDtype && !(isMergeableFloat(tensor.dtype) && isMergeableFloat(plan.computeDtype))) {
        problem("adapter tensor " + tensor.name + " has dtype " + dtypeName(tensor.dtype) + " but base tensor " +
                *name + " is " + dtypeName(plan.computeDtype) + "; cannot convert");
        return;
    }
    plan.replacement = tensor;
}

void Planner::planTokens(const std::string& module, const TensorInfo& tensor)
{
    const std::vector<std::int64_t>* indices = nullptr;
    for (const auto& [key, list] : m_config.trainableTokenIndices) {
        if (key.empty() || key == module || endsWith(module, "." + key)) {
            indices = &list;
            break;
        }
    }
    if (!indices) {
        problem("adapter tensor " + tensor.name +
                " holds trainable token rows but adapter_config.json has no "
                "trainable_token_indices for " +
                module);
        return;
    }
    std::optional<std::string> name = resolveBase(module + ".weight");
    if (!name && (module == "lm_head" || endsWith(module, ".lm_head")) && isTiedModel()) {
        name = inputEmbeddingName();
    }
    if (!name) {
        problem("adapter tensor " + tensor.name + " holds token rows for " + module +
                ".weight, which the base model "
                "does not have");
        return;
    }
    if (!checkFactorDtype(tensor)) {
        return;
    }
    TensorPlan& plan = planFor(*name);
    const std::int64_t rows = plan.shape.empty() ? 0 : plan.shape[0];
    if (plan.shape.size() != 2 || tensor.shape.size() != 2 ||
        tensor.shape[0] != static_cast<std::int64_t>(indices->size()) || tensor.shape[1] != plan.shape[1]) {
        problem("adapter tensor " + tensor.name + " " + shapeText(tensor.shape) + " should be [" +
                std::to_string(indices->size()) + ", " +
                (plan.shape.size() == 2 ? std::to_string(plan.shape[1]) : "?") + "] for " +
                std::to_string(indices->size()) + " token indices into " + *name + " " + shapeText(plan.shape));
        return;
    }
    for (const std::int64_t index : *indices) {
        if (index >= rows) {
            problem("trainable token index " + std::to_string(index) + " is outside " + *name + " (" +
                    std::to_string(rows) + " rows)");
            return;
        }
    }
    if (!isMergeableFloat(plan.computeDtype)) {
        problem("base tensor " + *name + " has dtype " + dtypeName(plan.computeDtype) +
                "; token rows can only be written into F32, F16 or BF16");
        return;
    }
    plan.tokenRows = tensor;
    plan.tokenIndices = *indices;
}

AdapterPlan Planner::run()
{
    m_plan.shardTensors.resize(m_base.shards.size());
    for (std::size_t shard = 0; shard < m_base.shards.size(); ++shard) {
        for (const TensorInfo& tensor : m_base.shards[shard].tensors) {
            TensorPlan plan;
            plan.name = tensor.name;
            plan.baseName = tensor.name;
            plan.shard = shard;
            plan.computeDtype = tensor.dtype;
            plan.shape = tensor.shape;
            m_plan.tensors.emplace(tensor.name, std::move(plan));
            m_plan.shardTensors[shard].push_back(tensor.name);
        }
    }
    for (const TensorInfo& tensor : m_adapter.tensors) {
        classify(tensor);
    }
    if (m_modules.empty() && m_replacements.empty() && m_tokens.empty()) {
        problem("the adapter file " + m_adapter.path + " holds no LoRA tensors");
    }
    // Replacements first: a resized embedding changes the shape later steps check against.
    for (const auto& [target, tensor] : m_replacements) {
        planReplacement(target, tensor);
    }
    for (const auto& [module, tensor] : m_tokens) {
        planTokens(module, tensor);
    }
    for (const auto& [module, parts] : m_modules) {
        planModule(module, parts);
    }
    if (m_plan.newVocabSize) {
        // Every vocabulary-sized matrix must have been resized together, or the model is inconsistent.
        for (auto& [name, plan] : m_plan.tensors) {
            const bool headOrEmbedding = endsWith(name, "lm_head.weight") || name == inputEmbeddingName();
            if (headOrEmbedding && plan.shape.size() == 2 && plan.shape[0] != *m_plan.newVocabSize) {
                problem("the adapter resizes the vocabulary to " + std::to_string(*m_plan.newVocabSize) +
                        " rows but does not supply a resized " + name + " (" + std::to_string(plan.shape[0]) +
                        " rows)");
            }
        }
    }
    if (!m_problems.empty()) {
        std::string message = "the adapter at " + m_adapter.path + " does not fit the base model at " +
                              m_base.directory + " (" + std::to_string(m_problems.size()) +
                              (m_problems.size() == 1 ? " problem" : " problems") + "): ";
        std::string details;
        for (std::size_t i = 0; i < m_problems.size(); ++i) {
            if (i < 5) {
                message += (i ? "; " : "") + m_problems[i];
            }
            details += m_problems[i] + "\n";
        }
        if (m_problems.size() > 5) {
            message += "; and " + std::to_string(m_problems.size() - 5) + " more";
        }
        throw Error(message, details);
    }
    std::sort(m_plan.scalings.begin(), m_plan.scalings.end(),
              [](const ModuleScaling& x, const ModuleScaling& y) { return x.module < y.module; });
    return std::move(m_plan);
}

} // namespace

AdapterPlan AdapterPlan::build(const AdapterConfig& config, const ModelCheckpoint& base,
                               const SafeTensorsHeader& adapter, const BaseConfigFacts& baseConfig)
{
    return Planner(config, base, adapter, baseConfig).run();
}

int AdapterPlan::mergedCount() const
{
    return static_cast<int>(
        std::count_if(tensors.begin(), tensors.end(), [](const auto& entry) { return entry.second.merged(); }));
}

int AdapterPlan::replacedCount() const
{
    return static_cast<int>(std::count_if(tensors.begin(), tensors.end(), [](const auto& entry) {
        return !entry.second.merged() && !entry.second.untouched();
    }));
}

int AdapterPlan::copiedCount() const
{
    return static_cast<int>(
        std::count_if(tensors.begin(), tensors.end(), [](const auto& entry) { return entry.second.untouched(); }));
}

} // namespace deepext
