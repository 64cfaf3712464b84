#pragma once

#include <cstdint>

namespace deepext::fault {

// Test-only crash points (compiled in with DEEPEXT_FAULT_HOOKS; no-ops otherwise), so tests can kill a real
// process at exact moments and check that nothing is lost or half-written:
//   DEEPEXT_FAULT_KILL_AT=<name>           SIGKILL at the named checkpoint (e.g. "before-publish",
//                                          "delete-after-rename", "gguf-writing")
//   DEEPEXT_FAULT_STOP_AT=<name>           SIGSTOP at the named checkpoint, so a test can deliver a signal (Ctrl+C)
//                                          at that exact moment and then SIGCONT the process
//   DEEPEXT_FAULT_KILL_AFTER_BYTES=<n>     SIGKILL once n bytes of model output have been written
void checkpoint(const char* name);
void bytesWritten(std::uint64_t count);

} // namespace deepext::fault
