#include "LlamaProbe.h"

#include "deepext/base/Error.h"

#include <QProcess>
#include <QStandardPaths>

#include <cstdlib>
#include <filesystem>
#include <utility>

namespace deepext::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::vector<int>> idLists(const nlohmann::json& answer)
{
    std::vector<std::vector<int>> lists;
    for (const auto& list : answer) {
        lists.push_back(list.get<std::vector<int>>());
    }
    return lists;
}

nlohmann::json tokenizeItems(const std::vector<LlamaTokenizeItem>& items)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : items) {
        nlohmann::json entry{{"text", item.text}, {"special", item.special}};
        if (item.addBos) {
            entry["addBos"] = *item.addBos;
        }
        list.push_back(entry);
    }
    return list;
}

LlamaModelInfo modelInfo(const nlohmann::json& answer)
{
    LlamaModelInfo info;
    info.loaded = answer.at("loaded").get<bool>();
    if (!info.loaded) {
        info.error = answer.at("error").get<std::string>();
        return info;
    }
    info.architecture =
        answer.value("architecture", nlohmann::json()).is_string() ? answer["architecture"].get<std::string>() : "";
    info.vocabSize =
        answer.value("vocabSize", nlohmann::json()).is_number_integer() ? answer["vocabSize"].get<int>() : 0;
    info.addBos = answer.at("addBos").get<bool>();
    info.addEos = answer.at("addEos").get<bool>();
    if (answer.at("bos").is_number_integer()) {
        info.bos = answer["bos"].get<int>();
    }
    if (answer.at("eos").is_number_integer()) {
        info.eos = answer["eos"].get<int>();
    }
    info.vocabularyType = answer.value("vocabularyType", "");
    info.metadata = answer.at("metadata");
    info.tensors = answer.at("tensors");
    info.log = answer.at("log").get<std::vector<std::string>>();
    return info;
}

std::vector<LlamaEvaluation> evaluations(const nlohmann::json& answer)
{
    std::vector<LlamaEvaluation> result;
    for (const auto& entry : answer) {
        result.push_back({entry.at("tokens").get<std::vector<int>>(), entry.at("logits").get<std::vector<float>>()});
    }
    return result;
}

} // namespace

LlamaProbe::LlamaProbe()
    : LlamaProbe(DEEPEXT_LLAMA_HARNESS_DIR)
{
}

LlamaProbe::LlamaProbe(std::string harnessDirectory)
    : m_harnessDirectory(std::move(harnessDirectory))
{
    if (const char* node = std::getenv("DEEPEXT_NODE"); node && *node) {
        m_node = node;
    } else if (!std::string(DEEPEXT_NODE_PATH).empty()) {
        m_node = DEEPEXT_NODE_PATH;
    } else {
        m_node = QStandardPaths::findExecutable(QStringLiteral("node")).toStdString();
    }
}

bool LlamaProbe::skipRequested()
{
    const char* skip = std::getenv("DEEPEXT_SKIP_LLAMA");
    return skip && std::string(skip) == "1";
}

std::string LlamaProbe::missingInstallation() const
{
    std::error_code error;
    if (m_node.empty() || !fs::exists(m_node, error)) {
        return "node (>= 20) is not installed, so llama.cpp cannot judge the GGUF exports: install Node.js 20, then "
               "run scripts/install-llama.sh (or set DEEPEXT_SKIP_LLAMA=1 to skip these tests on purpose)";
    }
    if (!fs::exists(fs::path(m_harnessDirectory) / "node_modules" / "node-llama-cpp" / "package.json", error) ||
        !fs::exists(fs::path(m_harnessDirectory) / "node_modules" / "@huggingface" / "tokenizers" / "package.json",
                    error)) {
        return "the llama.cpp judge is not installed in " + m_harnessDirectory +
               "/node_modules: run scripts/install-llama.sh (or set DEEPEXT_SKIP_LLAMA=1 to skip these tests on "
               "purpose)";
    }
    return {};
}

nlohmann::json LlamaProbe::run(const nlohmann::json& request, int timeoutMs) const
{
    const std::string missing = missingInstallation();
    if (!missing.empty()) {
        throw Error(missing);
    }
    QProcess process;
    process.setWorkingDirectory(QString::fromStdString(m_harnessDirectory));
    process.start(QString::fromStdString(m_node), {QStringLiteral("probe.mjs")});
    if (!process.waitForStarted(30000)) {
        throw Error("cannot start " + m_node + " probe.mjs: " + process.errorString().toStdString());
    }
    const std::string input = request.dump();
    process.write(input.data(), static_cast<qint64>(input.size()));
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        throw Error("probe.mjs did not answer within " + std::to_string(timeoutMs / 1000) +
                    " s; request: " + input.substr(0, 300));
    }
    const std::string out = process.readAllStandardOutput().toStdString();
    const std::string err = process.readAllStandardError().toStdString();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        throw Error("probe.mjs failed (exit " + std::to_string(process.exitCode()) + "): " + err,
                    "request: " + input.substr(0, 300));
    }
    try {
        return nlohmann::json::parse(out);
    } catch (const nlohmann::json::exception& error) {
        throw Error(std::string("probe.mjs answered something that is not JSON (") + error.what() +
                    "): " + out.substr(0, 300) + "\nstderr: " + err);
    }
}

LlamaReply LlamaProbe::ask(const LlamaRequest& request) const
{
    nlohmann::json json = nlohmann::json::object();
    nlohmann::json models = nlohmann::json::array();
    for (const auto& questions : request.models) {
        nlohmann::json entry{{"model", questions.gguf}};
        if (questions.load) {
            entry["load"] = true;
        }
        if (!questions.tokenize.empty()) {
            entry["tokenize"] = tokenizeItems(questions.tokenize);
        }
        if (!questions.evaluate.empty()) {
            entry["evaluate"] = tokenizeItems(questions.evaluate);
        }
        models.push_back(entry);
    }
    if (!models.empty()) {
        json["models"] = models;
    }
    if (!request.hfTokenize.empty()) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& text : request.hfTokenize) {
            list.push_back({{"text", text}, {"addSpecialTokens", true}});
        }
        json["tokenizer"] = request.hfTokenizerDirectory;
        json["hfTokenize"] = list;
    }
    const nlohmann::json answer = run(json);
    LlamaReply reply;
    for (std::size_t i = 0; i < request.models.size(); ++i) {
        const auto& questions = request.models[i];
        const nlohmann::json& modelAnswer = answer.at("models").at(i);
        LlamaModelAnswers answers;
        if (questions.load) {
            answers.info = modelInfo(modelAnswer.at("load"));
        }
        if (!questions.tokenize.empty()) {
            answers.tokens = idLists(modelAnswer.at("tokenize"));
        }
        if (!questions.evaluate.empty()) {
            answers.evaluations = evaluations(modelAnswer.at("evaluate"));
        }
        reply.models.push_back(std::move(answers));
    }
    if (!request.hfTokenize.empty()) {
        reply.hfTokens = idLists(answer.at("hfTokenize"));
    }
    return reply;
}

LlamaModelInfo LlamaProbe::load(const std::string& ggufPath) const
{
    return modelInfo(run({{"model", ggufPath}, {"load", true}}).at("load"));
}

std::vector<std::vector<int>> LlamaProbe::tokenize(const std::string& ggufPath,
                                                   const std::vector<LlamaTokenizeItem>& items) const
{
    return idLists(run({{"model", ggufPath}, {"tokenize", tokenizeItems(items)}}).at("tokenize"));
}

std::vector<std::vector<float>> LlamaProbe::nextTokenLogits(const std::string& ggufPath,
                                                            const std::vector<std::vector<int>>& sequences) const
{
    std::vector<std::vector<float>> logits;
    for (auto& evaluation : evaluations(run({{"model", ggufPath}, {"evaluate", sequences}}).at("evaluate"))) {
        logits.push_back(std::move(evaluation.logits));
    }
    return logits;
}

std::vector<std::vector<int>> LlamaProbe::hfTokenize(const std::string& tokenizerDirectory,
                                                     const std::vector<std::string>& texts, bool addSpecialTokens) const
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& text : texts) {
        list.push_back({{"text", text}, {"addSpecialTokens", addSpecialTokens}});
    }
    return idLists(run({{"tokenizer", tokenizerDirectory}, {"hfTokenize", list}}).at("hfTokenize"));
}

} // namespace deepext::test
