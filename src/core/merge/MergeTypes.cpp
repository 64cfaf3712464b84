#include "deepext/merge/MergeTypes.h"

#include "deepext/base/Error.h"

#include <algorithm>
#include <cctype>

namespace deepext {

OutputDtype outputDtypeFromName(const std::string& name)
{
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "auto") {
        return OutputDtype::Auto;
    }
    if (lower == "bf16" || lower == "bfloat16") {
        return OutputDtype::BF16;
    }
    if (lower == "fp16" || lower == "float16" || lower == "f16") {
        return OutputDtype::F16;
    }
    if (lower == "fp32" || lower == "float32" || lower == "f32") {
        return OutputDtype::F32;
    }
    throw Error::usage("unknown dtype \"" + name + "\"; use auto, bf16, fp16 or fp32");
}

std::string outputDtypeName(OutputDtype dtype)
{
    switch (dtype) {
    case OutputDtype::BF16:
        return "bf16";
    case OutputDtype::F16:
        return "fp16";
    case OutputDtype::F32:
        return "fp32";
    case OutputDtype::Auto:
        break;
    }
    return "auto";
}

} // namespace deepext
