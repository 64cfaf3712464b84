#pragma once

#include "EventLoopWait.h"

// Helpers shared by the Ollama client and deployer tests: a small but structurally valid safetensors model in a
// temporary directory (with its manifest, as a model card lists it) and a way to wait on the event loop.

#include "deepext/base/ManifestEntry.h"
#include "deepext/base/Sha256.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QTimer>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace deepext::ollama::testing {

inline void writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate)) << path.toStdString();
    ASSERT_EQ(file.write(data), data.size());
}

// A safetensors file with one F16 tensor of `dataBytes` bytes (zeros). Big files are made sparse with resize(),
// so a multi-hundred-MB model costs neither memory nor disk to create.
inline void writeSafetensors(const QString& path, std::uint64_t dataBytes, const std::string& dtype = "F16")
{
    nlohmann::json header = {
        {"weight", {{"dtype", dtype}, {"shape", {dataBytes / 2}}, {"data_offsets", {0, dataBytes}}}},
        {"__metadata__", {{"format", "pt"}}}};
    std::string text = header.dump();
    while (text.size() % 8 != 0) {
        text += ' ';
    }
    QByteArray bytes(8, '\0');
    std::uint64_t length = text.size();
    for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<char>((length >> (8 * i)) & 0xff);
    }
    bytes += QByteArray::fromStdString(text);
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    ASSERT_EQ(file.write(bytes), bytes.size());
    ASSERT_TRUE(file.resize(static_cast<qint64>(bytes.size() + dataBytes)));
}

struct TestModel
{
    QTemporaryDir dir;
    std::vector<ManifestEntry> files; // the manifest, sorted by path

    QString path(const std::string& relative) const { return dir.filePath(QString::fromStdString(relative)); }

    // Rebuilds the manifest from the directory, as the model card's files list would be.
    void scan()
    {
        files.clear();
        QStringList names;
        const QDir root(dir.path());
        std::function<void(const QString&)> walk = [&](const QString& sub) {
            const QDir d(root.filePath(sub));
            for (const QFileInfo& info : d.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
                const QString rel = sub.isEmpty() ? info.fileName() : sub + u'/' + info.fileName();
                if (info.isDir()) {
                    walk(rel);
                } else {
                    names << rel;
                }
            }
        };
        walk(QString());
        names.sort();
        for (const QString& name : names) {
            const std::string full = root.filePath(name).toStdString();
            files.push_back({name.toStdString(), static_cast<std::uint64_t>(QFileInfo(root.filePath(name)).size()),
                             Sha256::ofFile(full)});
        }
    }

    const ManifestEntry& entry(const std::string& relative) const
    {
        return *std::find_if(files.begin(), files.end(), [&](const ManifestEntry& e) { return e.path == relative; });
    }
};

// A merged Llama-shaped model: config, tokenizer files, weights, plus the card files Ollama must not receive.
inline void fillModel(TestModel& model, const std::string& architecture = "LlamaForCausalLM",
                      std::uint64_t weightBytes = 64 * 1024, int shards = 1)
{
    const nlohmann::json config = {
        {"architectures", {architecture}}, {"model_type", "llama"}, {"hidden_size", 64}, {"torch_dtype", "float16"}};
    writeFile(model.path("config.json"), QByteArray::fromStdString(config.dump(2)));
    writeFile(model.path("generation_config.json"), R"({"bos_token_id": 1, "eos_token_id": 2})");
    writeFile(model.path("tokenizer.json"), R"({"version": "1.0", "model": {"type": "BPE", "vocab": {"a": 0}}})");
    writeFile(model.path("tokenizer_config.json"), R"({"chat_template": "{{ messages }}", "eos_token": "</s>"})");
    writeFile(model.path("special_tokens_map.json"), R"({"eos_token": "</s>"})");
    writeFile(model.path("model_card.json"), R"({"name": "card, never uploaded"})");
    writeFile(model.path("README.md"), "# never uploaded\n");
    if (shards == 1) {
        writeSafetensors(model.path("model.safetensors"), weightBytes);
    } else {
        for (int i = 1; i <= shards; ++i) {
            writeSafetensors(model.path(QStringLiteral("model-%1-of-%2.safetensors")
                                            .arg(i, 5, 10, QLatin1Char('0'))
                                            .arg(shards, 5, 10, QLatin1Char('0'))
                                            .toStdString()),
                             weightBytes + static_cast<std::uint64_t>(i) * 2);
        }
    }
    model.scan();
}

using deepext::test_support::waitFor;

} // namespace deepext::ollama::testing
