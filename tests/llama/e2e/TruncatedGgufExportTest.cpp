// A GGUF export cut short (a copy interrupted, a disk that filled up outside our control) is refused by the strict
// reader `verify` and the tests use, naming the file, and by llama.cpp itself: cut inside the metadata and cut
// inside the last tensor's data.
#include "CliGgufExport.h"
#include "LlamaProbe.h"
#include "TinyModelFactory.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace deepext::test;

TEST(TruncatedGgufExport, RefusedByTheStrictReaderAndByLlamaCpp)
{
    const LlamaProbe probe;
    DEEPEXT_REQUIRE_LLAMA(probe);
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const std::string root = dir.path().toStdString();
    const std::string model = TinyModelFactory::write(TinyModelFactory::preset("llama"), root + "/model");
    const std::string whole = root + "/model-f32.gguf";
    std::uint64_t dataOffset = 0;
    std::uint64_t lastTensorMiddle = 0;
    try {
        const auto reader =
            CliGgufExport::run({}, {QStringLiteral("--model"), QString::fromStdString(model)}, whole, "f32");
        dataOffset = reader.dataOffset();
        const auto& last = reader.tensors().back();
        lastTensorMiddle = dataOffset + last.offset + last.byteSize() / 2;
    } catch (const deepext::Error& error) {
        FAIL() << error.message();
    }
    const std::string bytes = deepext::readWholeFile(whole);
    ASSERT_LT(lastTensorMiddle, bytes.size());

    struct Cut
    {
        std::string where;
        std::uint64_t length;
        std::string llamaSays; // llama.cpp's reason (gguf.cpp's reader, llama-model-loader.cpp's bounds check)
        std::string path;
    };
    std::vector<Cut> cuts{{"metadata", dataOffset / 2, "gguf_init_from", ""},
                          {"tensor-data", lastTensorMiddle, "data is not within the file bounds", ""}};
    LlamaRequest request;
    for (auto& cut : cuts) {
        cut.path = root + "/cut-in-" + cut.where + ".gguf";
        deepext::writeFileAtomically(cut.path, bytes.substr(0, cut.length));
        request.models.push_back({cut.path, true, {}, {}});
    }
    const LlamaReply reply = probe.ask(request);
    ASSERT_EQ(reply.models.size(), cuts.size());
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        const Cut& cut = cuts[i];
        SCOPED_TRACE("cut inside the " + cut.where + " at byte " + std::to_string(cut.length));
        try {
            deepext::gguf::GgufReader::open(cut.path);
            ADD_FAILURE() << "the strict reader accepted " << cut.path;
        } catch (const deepext::Error& error) {
            EXPECT_NE(error.message().find(cut.path), std::string::npos) << error.message();
            EXPECT_NE(error.message().find("truncated"), std::string::npos) << error.message();
        }
        const LlamaModelInfo& info = reply.models[i].info;
        EXPECT_FALSE(info.loaded) << "llama.cpp loaded " << cut.path;
        EXPECT_NE(info.error.find(cut.llamaSays), std::string::npos) << info.error;
        EXPECT_NE(info.error.find("failed to load model"), std::string::npos) << info.error;
        std::cout << "[ llama.cpp on the " << cut.where << " cut ] " << info.error << "\n";
    }
}
