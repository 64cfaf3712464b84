#pragma once

#include "deepext/merge/MergeTypes.h"

#include <atomic>

namespace deepext {

// Merges a PEFT LoRA adapter into a Hugging Face base model, streaming (architecture.md "Merge engine rules"):
// plans and validates everything first (adapter config, every tensor against the base, free disk space), then
// writes into MergeRequest::outputDirectory, which must exist and be empty: the base's shard files with the same
// names and tensor names (+ model.safetensors.index.json when the base has one), config.json (edited only where the
// merge changes it), generation config, tokenizer files (the adapter's override the base's) and the other files of
// docs/peft-notes.md, "The model directory". Each file is fsynced. It does not write model_card.json or README.md.
//
// Synchronous; call it off the GUI thread. Progress is reported in bytes of output written; `cancel` is checked
// every block and throws deepext::Error::cancelled(). On any error the files it created are removed again.
class LoraMerger
{
public:
    static MergeResult merge(const MergeRequest& request, const MergeProgressCallback& progress,
                             const std::atomic_bool& cancel);
};

} // namespace deepext
