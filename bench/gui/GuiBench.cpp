// GUI benchmarks (bench/gui/run.sh runs them under the offscreen platform):
//   list  --models N   N saved models: time until the Saved Models list shows them all (< 1 s) and until a
//                      selected card is shown in the card pane (< 100 ms).
//   stall --size-mb M  a Save of a synthetic M MB Llama-shaped model from the Trained Models page, with a timer
//                      measuring the longest GUI event-loop stall (< 100 ms).
//   chat  --tokens N   a reply of N pieces from the stand-in Ollama server streamed into the Try dialog of the
//                      Deployed Models page, with the same timer measuring the longest stall (< 100 ms).
//   deploy --size-mb M a background deploy of a saved synthetic M MB model to the stand-in Ollama server, its
//                      progress on the Deployed Models page's row and in the status bar, with the same timer
//                      measuring the longest stall (< 100 ms).
// Prints one "name value unit limit verdict" line per measurement; exits 1 when a limit is exceeded.
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCardRenderer.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/DeployOperation.h"
#include "deepext/workflow/ModelRegistration.h"
#include "deepext/workflow/SaveOperation.h"
#include "deepext/workflow/SavedModelOperations.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/CardPane.h"
#include "gui/DeployJob.h"
#include "gui/DeployJobs.h"
#include "gui/IUserPrompts.h"
#include "gui/MainWindow.h"
#include "gui/SavedModelListModel.h"
#include "gui/SavedModelsPage.h"
#include "gui/TrainedModelsPage.h"
#include "gui/TryChatDialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLayout>
#include <QListView>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace deepext;

namespace {

// Answers every question with yes and prints what would have been shown.
class BenchPrompts final : public gui::IUserPrompts
{
public:
    void showError(const QString& message, const QString& details) override
    {
        std::fprintf(stderr, "error: %s\n%s\n", qPrintable(message), qPrintable(details));
        ++errors;
    }
    void showWarning(const QString& message, const QString&) override
    {
        std::fprintf(stderr, "warning: %s\n", qPrintable(message));
    }
    void showInformation(const QString&, const QString&, const QString&) override {}
    bool confirm(const QString&, const QString&, const QString&, const QString&) override { return true; }
    int choose(const QString&, const QString&, const QStringList&, const QString&) override { return -1; }
    int confirmWithOption(const QString&, const QString&, const QString&, const QStringList&, int current,
                          const QString&) override
    {
        return current;
    }
    QString askOpenFile(const QString&, const QString&) override { return {}; }
    QString askDirectory(const QString&) override { return {}; }
    QString askSaveFile(const QString&, const QString&, const QString&) override { return {}; }
    int errors = 0;
};

bool report(const char* name, double value, const char* unit, double limit)
{
    const bool ok = value <= limit;
    std::printf("%-28s %10.1f %-3s limit %7.1f  %s\n", name, value, unit, limit, ok ? "ok" : "TOO SLOW");
    std::fflush(stdout);
    return ok;
}

// The longest gap between ticks of a 5 ms timer: how long the GUI thread was unable to turn its event loop.
class StallMeter
{
public:
    StallMeter()
    {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longestNs = std::max(m_longestNs, now - m_lastNs);
            m_lastNs = now;
        });
    }
    void start()
    {
        m_clock.start();
        m_lastNs = 0;
        m_longestNs = 0;
        m_timer.start();
    }
    double longestMs() const { return static_cast<double>(m_longestNs) / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_longestNs = 0;
};

int benchList(int models)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(dir.path().toStdString());
    // One real card (the demo saved), copied N times with their own names and dates.
    const std::string trained = DemoGenerator::seed(workspace);
    const std::atomic_bool cancel{false};
    const auto outcome = SaveOperation::save(workspace, trained, OutputDtype::Auto, 0, {}, cancel);
    std::ifstream in(outcome.path + "/model_card.json");
    nlohmann::json card = nlohmann::json::parse(in);
    std::printf("card size: %zu bytes\n", card.dump(2).size());
    for (int i = 0; i < models; ++i) {
        char name[96];
        std::snprintf(name, sizeof name, "%s_s_%04x", trained.c_str(), i);
        char created[32];
        std::snprintf(created, sizeof created, "2025-%02d-%02dT%02d:%02d:00Z", 1 + i % 12, 1 + i % 28, i % 24, i % 60);
        card["name"] = name;
        card["created_at"] = created;
        const fs::path modelDir = fs::path(workspace.savedModelsDir()) / name;
        fs::create_directories(modelDir);
        std::ofstream(modelDir / "model_card.json") << card.dump(2);
    }

    BenchPrompts prompts;
    QElapsedTimer clock;
    clock.start();
    gui::MainWindow window(workspace, prompts);
    window.showPage(gui::MainWindow::Page::SavedModels);
    window.show();
    gui::SavedModelsPage* page = window.savedModelsPage();
    const int expected = models + 1;
    if (!QTest::qWaitFor([&] { return page->model()->rowCount() == expected; }, 30000)) {
        std::fprintf(stderr, "the list never showed %d models\n", expected);
        return 1;
    }
    QApplication::processEvents(); // the first paint of the list
    bool ok = report("list 5000 saved models", static_cast<double>(clock.elapsed()), "ms", 1000);

    // Cards in the middle of the list, selected one after another (the first includes warm-up: font and
    // Markdown set-up on first use); the worst of the later ones is what a user feels when browsing.
    auto* view = window.findChild<QListView*>(QStringLiteral("savedModelsListView"));
    QString shownName;
    qint64 shownAt = 0;
    QObject::connect(page, &gui::SavedModelsPage::cardShown, page, [&](const QString& name) {
        shownName = name;
        shownAt = clock.elapsed();
    });
    QString targetName;
    double worst = 0;
    for (int i = 0; i < 4; ++i) {
        const QModelIndex target = view->model()->index(expected / 2 + i * 7, 0);
        targetName = target.data(gui::SavedModelListModel::NameRole).toString();
        clock.restart();
        view->setCurrentIndex(target);
        const qint64 selectMs = clock.elapsed();
        if (!QTest::qWaitFor([&] { return shownName == targetName; }, 10000)) {
            std::fprintf(stderr, "the card was never shown\n");
            return 1;
        }
        QApplication::processEvents();
        const double ms = static_cast<double>(clock.elapsed());
        std::printf("  card %d shown in %.0f ms (selection handled after %lld ms, text set after %lld ms)\n", i + 1, ms,
                    static_cast<long long>(selectMs), static_cast<long long>(shownAt));
        if (i > 0) {
            worst = std::max(worst, ms);
        }
    }
    ok = report("render selected card", worst, "ms", 100) && ok;
    // Where the card time goes: reading and structuring it (worker), then making and laying out the pane's widgets
    // (GUI thread).
    clock.restart();
    const carddoc::Document document = SavedModelOperations::cardDocument(workspace, targetName.toStdString());
    const qint64 readMs = clock.elapsed();
    {
        QElapsedTimer threadClock;
        threadClock.start();
        qint64 inside = 0;
        std::thread worker([&] {
            QElapsedTimer t;
            t.start();
            SavedModelOperations::cardDocument(workspace, targetName.toStdString());
            inside = t.elapsed();
        });
        worker.join();
        std::printf("  on a fresh thread: %lld ms (%lld ms inside)\n", static_cast<long long>(threadClock.elapsed()),
                    static_cast<long long>(inside));
    }
    // The pane against a baseline in the same run: the same card as Markdown parsed into a fresh document and laid
    // out in a text browser, as the panes showed cards before (each the median of 9, alternating).
    gui::CardPane pane;
    pane.resize(600, 800);
    pane.show();
    QTextBrowser browser;
    browser.resize(600, 800);
    browser.show();
    const QString markdown = QString::fromStdString(ModelCardRenderer::render(document, CardFormat::Markdown));
    QApplication::processEvents();
    std::vector<double> paneMs;
    std::vector<double> markdownMs;
    QElapsedTimer step;
    for (int run = 0; run < 9; ++run) {
        pane.clear();
        QApplication::processEvents();
        step.start();
        pane.showDocument(document);
        pane.scrollArea()->widget()->layout()->activate(); // the layout a paint would do
        QApplication::processEvents();
        paneMs.push_back(static_cast<double>(step.nsecsElapsed()) / 1e6);

        step.start();
        auto* text = new QTextDocument(&browser);
        text->setDefaultFont(browser.font());
        text->setMarkdown(markdown);
        browser.setDocument(text);
        text->size(); // the layout a paint would do
        QApplication::processEvents();
        markdownMs.push_back(static_cast<double>(step.nsecsElapsed()) / 1e6);
    }
    const auto median = [](std::vector<double> values) {
        std::sort(values.begin(), values.end());
        return values[values.size() / 2];
    };
    std::printf("  card read+structure %lld ms; pane widgets+layout %.1f ms, Markdown baseline %.1f ms (ratio %.2f)\n",
                static_cast<long long>(readMs), median(paneMs), median(markdownMs),
                median(paneMs) / median(markdownMs));
    return ok && prompts.errors == 0 ? 0 : 1;
}

// A Llama-shaped checkpoint of about `megabytes` MB in bf16, values small and finite, plus a rank-16 LoRA on
// q_proj and v_proj: enough for a real merge of realistic size.
void writeSyntheticModel(const fs::path& base, const fs::path& adapter, int megabytes)
{
    const int hidden = 2048;
    const int intermediate = 5632;
    const int vocab = 32000;
    const int rank = 16;
    const std::int64_t perLayer = 4LL * hidden * hidden + 3LL * hidden * intermediate + 2LL * hidden;
    const std::int64_t fixed = 2LL * vocab * hidden + hidden;
    const int layers = std::max<int>(1, static_cast<int>((megabytes * 1000000LL / 2 - fixed) / perLayer));

    struct Tensor
    {
        std::string name;
        std::vector<std::int64_t> shape;
        std::string dtype;
    };
    const auto writeSafetensors = [](const fs::path& path, const std::vector<Tensor>& tensors) {
        nlohmann::json header = nlohmann::json::object();
        std::uint64_t offset = 0;
        for (const Tensor& t : tensors) {
            std::uint64_t count = 1;
            for (auto d : t.shape) {
                count *= static_cast<std::uint64_t>(d);
            }
            const std::uint64_t bytes = count * (t.dtype == "F32" ? 4 : 2);
            header[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
            offset += bytes;
        }
        header["__metadata__"] = {{"format", "pt"}};
        std::string text = header.dump();
        text.append((8 - text.size() % 8) % 8, ' ');
        std::ofstream out(path, std::ios::binary);
        const std::uint64_t length = text.size();
        out.write(reinterpret_cast<const char*>(&length), 8);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        // bf16 values of magnitude ~0.01 with random sign and mantissa (never NaN or Inf); f32 the same.
        std::vector<char> block(1 << 20);
        std::uint32_t state = 12345;
        std::uint64_t left = offset;
        while (left > 0) {
            for (std::size_t i = 0; i + 1 < block.size(); i += 2) {
                state = state * 1664525u + 1013904223u;
                const std::uint16_t bits =
                    static_cast<std::uint16_t>(((state >> 16) & 0x8000u) | 0x3C00u | ((state >> 8) & 0x7Fu));
                std::memcpy(&block[i], &bits, 2);
            }
            const std::uint64_t n = std::min<std::uint64_t>(left, block.size());
            out.write(block.data(), static_cast<std::streamsize>(n));
            left -= n;
        }
    };

    fs::create_directories(base);
    std::vector<Tensor> tensors{{"model.embed_tokens.weight", {vocab, hidden}, "BF16"},
                                {"model.norm.weight", {hidden}, "BF16"},
                                {"lm_head.weight", {vocab, hidden}, "BF16"}};
    for (int l = 0; l < layers; ++l) {
        const std::string p = "model.layers." + std::to_string(l) + ".";
        for (const char* m : {"q_proj", "k_proj", "v_proj", "o_proj"}) {
            tensors.push_back({p + "self_attn." + m + ".weight", {hidden, hidden}, "BF16"});
        }
        tensors.push_back({p + "mlp.gate_proj.weight", {intermediate, hidden}, "BF16"});
        tensors.push_back({p + "mlp.up_proj.weight", {intermediate, hidden}, "BF16"});
        tensors.push_back({p + "mlp.down_proj.weight", {hidden, intermediate}, "BF16"});
        tensors.push_back({p + "input_layernorm.weight", {hidden}, "BF16"});
        tensors.push_back({p + "post_attention_layernorm.weight", {hidden}, "BF16"});
    }
    writeSafetensors(base / "model.safetensors", tensors);
    const nlohmann::json config = {{"architectures", {"LlamaForCausalLM"}},
                                   {"model_type", "llama"},
                                   {"hidden_size", hidden},
                                   {"intermediate_size", intermediate},
                                   {"num_hidden_layers", layers},
                                   {"num_attention_heads", 16},
                                   {"num_key_value_heads", 16},
                                   {"vocab_size", vocab},
                                   {"max_position_embeddings", 4096},
                                   {"rms_norm_eps", 1e-5},
                                   {"tie_word_embeddings", false},
                                   {"torch_dtype", "bfloat16"}};
    std::ofstream(base / "config.json") << config.dump(2);

    fs::create_directories(adapter);
    std::vector<Tensor> lora;
    for (int l = 0; l < layers; ++l) {
        for (const char* m : {"q_proj", "v_proj"}) {
            const std::string p = "base_model.model.model.layers." + std::to_string(l) + ".self_attn." + m;
            lora.push_back({p + ".lora_A.weight", {rank, hidden}, "BF16"});
            lora.push_back({p + ".lora_B.weight", {hidden, rank}, "BF16"});
        }
    }
    writeSafetensors(adapter / "adapter_model.safetensors", lora);
    const nlohmann::json adapterConfig = {{"peft_type", "LORA"},
                                          {"task_type", "CAUSAL_LM"},
                                          {"r", rank},
                                          {"lora_alpha", 32},
                                          {"lora_dropout", 0.0},
                                          {"bias", "none"},
                                          {"target_modules", {"q_proj", "v_proj"}},
                                          {"base_model_name_or_path", "bench/synthetic-llama"}};
    std::ofstream(adapter / "adapter_config.json") << adapterConfig.dump(2);
}

int benchStall(int megabytes, const QString& scratch)
{
    QTemporaryDir dir(scratch.isEmpty() ? QDir::tempPath() + QStringLiteral("/deepext-bench-XXXXXX")
                                        : scratch + QStringLiteral("/deepext-bench-XXXXXX"));
    const fs::path root = dir.path().toStdString();
    std::printf("writing a synthetic %d MB model...\n", megabytes);
    std::fflush(stdout);
    writeSyntheticModel(root / "base", root / "adapter", megabytes);
    const Workspace workspace = Workspace::open((root / "workspace").string());
    const ModelRegistration registration(workspace);
    registration.addBaseModel((root / "base").string(), "synthetic", "Synthetic Llama", {});
    const std::string trained = registration.addTrainedModel((root / "adapter").string(), "synthetic", "bench").name;

    BenchPrompts prompts;
    gui::MainWindow window(workspace, prompts);
    window.showPage(gui::MainWindow::Page::TrainedModels);
    window.show();
    gui::TrainedModelsPage* page = window.trainedModelsPage();
    if (!QTest::qWaitFor([&] { return page->modelCount() == 1; }, 10000)) {
        std::fprintf(stderr, "the trained model was never listed\n");
        return 1;
    }
    bool finished = false;
    bool ok = false;
    QObject::connect(page, &gui::TrainedModelsPage::saveFinished, page, [&](bool result) {
        finished = true;
        ok = result;
    });
    StallMeter meter;
    QElapsedTimer clock;
    meter.start();
    clock.start();
    page->saveSelected();
    if (!QTest::qWaitFor([&] { return finished; }, 30 * 60 * 1000)) {
        std::fprintf(stderr, "the save did not finish within 30 minutes\n");
        return 1;
    }
    const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    std::printf("save of %d MB took %.1f s (%s)\n", megabytes, seconds, ok ? "ok" : "FAILED");
    const bool fast = report("longest GUI stall in save", meter.longestMs(), "ms", 100);
    return ok && fast ? 0 : 1;
}

int benchChat(int tokens)
{
    QTemporaryDir dir;
    QTemporaryDir serverDir;
    fake::FakeOllamaServer server(serverDir.path());
    if (!server.listen()) {
        std::fprintf(stderr, "the stand-in Ollama server could not listen\n");
        return 1;
    }
    const QString model = QStringLiteral("bench_s_0001_d_beef_q8_0");
    server.addModel(model + QStringLiteral(":latest"));
    // A model that runs on to the limit, one piece per millisecond: a long, fast reply.
    server.setRunOn(model);
    server.setTokenDelay(std::chrono::milliseconds(1));
    const Workspace workspace = Workspace::open(dir.path().toStdString());
    DeploymentRecord record;
    record.uuid = "22222222-2222-4222-8222-222222222222";
    record.ollamaName = model.toStdString();
    record.savedModel = "bench_s_0001";
    record.url = server.url().toStdString();
    record.quantization = "q8_0";
    record.status = DeploymentStatus::Deployed;
    record.startedAt = "2025-01-02T03:04:05Z";
    record.endedAt = "2025-01-02T03:05:05Z";
    workspace.upsertDeployment(record);

    BenchPrompts prompts;
    gui::AppContext context(workspace, prompts);
    gui::TryChatDialog dialog(context, record);
    dialog.resize(720, 640);
    dialog.show();
    if (!QTest::qWaitFor([&] { return dialog.isReady(); }, 10000)) {
        std::fprintf(stderr, "the deployment was never looked up\n");
        return 1;
    }
    dialog.findChild<QSpinBox*>(QStringLiteral("maxTokensSpinBox"))->setValue(tokens);
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("promptPlainTextEdit"))->setPlainText(QStringLiteral("go"));
    StallMeter meter;
    QElapsedTimer clock;
    meter.start();
    clock.start();
    dialog.findChild<QPushButton*>(QStringLiteral("sendButton"))->click();
    if (!QTest::qWaitFor([&] { return !dialog.isStreaming(); }, 5 * 60 * 1000)) {
        std::fprintf(stderr, "the reply did not end within 5 minutes\n");
        return 1;
    }
    const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    const bool ended = dialog.transcriptText().contains(QStringLiteral("done reason: length"));
    std::printf("reply of %d pieces streamed in %.1f s (%s)\n", tokens, seconds, ended ? "ok" : "FAILED");
    const bool fast = report("longest GUI stall in try chat", meter.longestMs(), "ms", 100);
    return ended && fast && prompts.errors == 0 ? 0 : 1;
}

int benchDeploy(int megabytes, const QString& scratch)
{
    QTemporaryDir dir(scratch.isEmpty() ? QDir::tempPath() + QStringLiteral("/deepext-bench-XXXXXX")
                                        : scratch + QStringLiteral("/deepext-bench-XXXXXX"));
    const fs::path root = dir.path().toStdString();
    std::printf("writing and saving a synthetic %d MB model...\n", megabytes);
    std::fflush(stdout);
    writeSyntheticModel(root / "base", root / "adapter", megabytes);
    // Ollama creates nothing without a tokenizer (the stand-in checks it is there, not what it says).
    std::ofstream(root / "base" / "tokenizer.json")
        << R"({"version": "1.0", "model": {"type": "BPE", "vocab": {}, "merges": []}})" << '\n';
    const Workspace workspace = Workspace::open((root / "workspace").string());
    const ModelRegistration registration(workspace);
    registration.addBaseModel((root / "base").string(), "synthetic", "Synthetic Llama", {});
    const std::string trained = registration.addTrainedModel((root / "adapter").string(), "synthetic", "bench").name;
    const std::atomic_bool cancel{false};
    const std::string saved = SaveOperation::save(workspace, trained, OutputDtype::Auto, 2, {}, cancel).savedName;
    fake::FakeOllamaServer server(QString::fromStdString((root / "ollama").string()));
    if (!server.listen()) {
        std::fprintf(stderr, "the stand-in Ollama server could not listen\n");
        return 1;
    }
    workspace.addEnvironment({"bench", server.url().toStdString(), ""}, true);

    BenchPrompts prompts;
    gui::MainWindow window(workspace, prompts);
    window.showPage(gui::MainWindow::Page::DeployedModels);
    window.show();
    DeployOptions options;
    options.quantization = "no_quantization";
    options.autodetectTemplate = true; // the synthetic base has no Deployment Template File
    const ResolvedDeployment resolved = DeployOperation::resolve(workspace, saved, options);
    // The window's first layout and paint are not the deploy's: let them pass before measuring.
    QEventLoop settle;
    QTimer::singleShot(500, &settle, &QEventLoop::quit);
    settle.exec();
    StallMeter meter;
    QElapsedTimer clock;
    meter.start();
    clock.start();
    // As the deploy dialog starts it, and then closes: the job runs with no dialog open.
    QPointer<gui::DeployJob> job = window.context().deploys()->start(resolved, true, false);
    bool ok = false;
    QObject::connect(job, &gui::DeployJob::deployFinished, job, [&](bool result) { ok = result; });
    QString phase;
    QObject::connect(job, &gui::DeployJob::changed, job, [&] {
        if (job->phase() != phase) {
            phase = job->phase();
            std::printf("%7.1f s  %s\n", static_cast<double>(clock.elapsed()) / 1000.0, qPrintable(phase));
        }
    });
    // A real event loop, as the window runs: QTest::qWaitFor sleeps 10 ms between its turns, and the upload's data
    // travels between the network thread and this one a chunk per turn (about 1 MB/s that way).
    QEventLoop loop;
    QObject::connect(job, &QObject::destroyed, &loop, &QEventLoop::quit);
    QTimer::singleShot(30 * 60 * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    if (job) {
        std::fprintf(stderr, "the deploy did not finish within 30 minutes\n");
        return 1;
    }
    const double seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    std::printf("background deploy of %d MB took %.1f s (%s)\n", megabytes, seconds, ok ? "ok" : "FAILED");
    const bool fast = report("longest GUI stall in deploy", meter.longestMs(), "ms", 100);
    return ok && fast && prompts.errors == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("deepext-bench"));
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("list | stall | chat | deploy"));
    const QCommandLineOption modelsOption(QStringLiteral("models"), QStringLiteral("Saved models to list."),
                                          QStringLiteral("N"), QStringLiteral("5000"));
    const QCommandLineOption sizeOption(QStringLiteral("size-mb"),
                                        QStringLiteral("Model size for the stall and deploy benches."),
                                        QStringLiteral("MB"), QStringLiteral("1000"));
    const QCommandLineOption scratchOption(QStringLiteral("scratch"), QStringLiteral("Folder for the bench files."),
                                           QStringLiteral("DIR"));
    const QCommandLineOption tokensOption(QStringLiteral("tokens"), QStringLiteral("Pieces of the chat bench's reply."),
                                          QStringLiteral("N"), QStringLiteral("3000"));
    parser.addOptions({modelsOption, sizeOption, scratchOption, tokensOption});
    parser.addHelpOption();
    parser.process(app);
    const QString mode = parser.positionalArguments().value(0, QStringLiteral("list"));
    if (mode == QLatin1String("list")) {
        return benchList(parser.value(modelsOption).toInt());
    }
    if (mode == QLatin1String("stall")) {
        return benchStall(parser.value(sizeOption).toInt(), parser.value(scratchOption));
    }
    if (mode == QLatin1String("chat")) {
        return benchChat(parser.value(tokensOption).toInt());
    }
    if (mode == QLatin1String("deploy")) {
        return benchDeploy(parser.value(sizeOption).toInt(), parser.value(scratchOption));
    }
    std::fprintf(stderr, "unknown mode %s (list | stall | chat | deploy)\n", qPrintable(mode));
    return 2;
}
