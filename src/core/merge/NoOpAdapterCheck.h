#pragma once

#include "deepext/merge/AdapterPlan.h"
#include "deepext/merge/ModelCheckpoint.h"
#include "deepext/merge/SafeTensorsFile.h"

#include <atomic>
#include <optional>
#include <string>

namespace deepext {

// Does the adapter change the base at all? PEFT initialises every lora_B to zero (and a DoRA magnitude to the norm
// of the base weight), so an adapter saved before training (save_pretrained right after get_peft_model; published
// adapters do this) merges into an exact copy of the base. The merge still succeeds, but says so: the warning goes
// into the merge warnings (the CLI's stderr, the window, the card).
//
// Cheap for a trained adapter: the lora_B tensors are read first and the check stops at the first value that is not
// zero. Only when every B (and LoRA bias) is zero does it compare DoRA magnitudes, modules_to_save replacements and
// trainable-token rows against the base weights. Everything is read with pread in blocks of about 1 MiB, so memory
// stays within the merge's bound whatever the model's size.
class NoOpAdapterCheck
{
public:
    static constexpr const char* WarningText =
        "this adapter changes nothing: was it saved before training? Every LoRA B matrix is zero (and nothing else "
        "in it differs from the base), so the saved model is a copy of the base model";

    // The warning when applying `plan` leaves every base tensor as it is; nullopt when anything changes.
    // Throws Error::cancelled() when `cancel` is set.
    static std::optional<std::string> warning(const AdapterPlan& plan, const SafeTensorsFile& adapter,
                                              const ModelCheckpoint& base, const std::atomic_bool& cancel);

    // True when every element of `tensor` is zero (either sign), read in bounded blocks.
    static bool isAllZero(const SafeTensorsFile& file, const TensorInfo& tensor, const std::atomic_bool& cancel);
};

} // namespace deepext
