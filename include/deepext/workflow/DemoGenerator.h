#pragma once

#include <string>

namespace deepext {

class Workspace;

// The embedded demo: a small, structurally valid Llama checkpoint (LlamaForCausalLM names and shapes, bf16, a
// byte-level BPE tokenizer whose vocab matches config.json), a PEFT LoRA adapter on q/k/v/o with a short training
// history, and a Deployment Template File. Everything is generated from fixed seeds, so the bytes are the same on
// every machine and every run.
class DemoGenerator
{
public:
    static constexpr const char* BaseTechnicalName = "demo-llama";
    static constexpr const char* TrainName = "demo-lora";

    // Writes the files under `directory` (base/, adapter/, Modelfile.template); files already identical are kept.
    static void writeFiles(const std::string& directory);

    // Writes the files under <workspace>/demo and registers the base and the trained model unless they already
    // are. Returns the trained model's name. Running it twice changes nothing.
    static std::string seed(const Workspace& workspace);
};

} // namespace deepext
