#pragma once

#include "Command.h"

namespace deepext::cli {

// `export-gguf (SAVED | --model DIR) --out FILE.gguf [--type auto|f32|f16|bf16|q8_0] [--force] [--threads N]`:
// writes a saved model (or any Hugging Face model folder) as one GGUF file.
class ExportGgufCommand final : public Command
{
public:
    ExportGgufCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
