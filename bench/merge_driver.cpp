// deepext-merge-driver --base DIR --adapter DIR --out DIR [--dtype auto|bf16|fp16|fp32] [--threads N]
// The merge engine alone, without a workspace, for bench/merge (which also accepts `deepext-cli merge`).
// --out is created when missing; it must be empty.
#include "deepext/base/Error.h"
#include "deepext/merge/LoraMerger.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

int main(int argc, char** argv)
{
    deepext::MergeRequest request;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--base") {
            request.baseDirectory = value;
        } else if (flag == "--adapter") {
            request.adapterDirectory = value;
        } else if (flag == "--out") {
            request.outputDirectory = value;
        } else if (flag == "--dtype") {
            request.dtype = deepext::outputDtypeFromName(value);
        } else if (flag == "--threads") {
            request.threads = std::stoi(value);
        } else {
            std::fprintf(stderr, "error: unknown option %s\n", flag.c_str());
            return 2;
        }
    }
    if (request.baseDirectory.empty() || request.adapterDirectory.empty() || request.outputDirectory.empty()) {
        std::fprintf(stderr, "usage: %s --base DIR --adapter DIR --out DIR [--dtype D] [--threads N]\n", argv[0]);
        return 2;
    }
    try {
        std::filesystem::create_directories(request.outputDirectory);
        std::atomic_bool cancel{false};
        const deepext::MergeResult result = deepext::LoraMerger::merge(request, {}, cancel);
        std::printf("%d merged, %d replaced, %d copied, %.2f s\n", result.tensorsMerged, result.tensorsReplaced,
                    result.tensorsCopied, result.durationSeconds);
    } catch (const deepext::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.message().c_str());
        return e.kind() == deepext::Error::Kind::Usage ? 2 : 1;
    }
    return 0;
}
