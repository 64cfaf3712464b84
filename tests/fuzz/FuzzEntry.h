#pragma once
// One source per fuzz target serves two builds: the libFuzzer executable (the entry is LLVMFuzzerTestOneInput) and
// the regression replay in the normal test suite, which #includes the source with DEEPEXT_FUZZ_REPLAY defined so
// that several targets can live in one test binary (the entry then becomes deepext::fuzz::<name>).
// Contract of every entry: any input either succeeds or throws deepext::Error; anything else (another exception,
// a crash, a sanitizer report, a broken invariant via FUZZ_CHECK) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#ifdef DEEPEXT_FUZZ_REPLAY
#define DEEPEXT_FUZZ_ENTRY(name)                                                                                       \
    namespace deepext::fuzz {                                                                                          \
    int name(const std::uint8_t* data, std::size_t size);                                                              \
    }                                                                                                                  \
    int deepext::fuzz::name(const std::uint8_t* data, std::size_t size)
#else
#define DEEPEXT_FUZZ_ENTRY(name) extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#endif

// An invariant the code under test must keep: abort so libFuzzer (or the replay test, by death) reports it.
#define FUZZ_CHECK(condition)                                                                                          \
    do {                                                                                                               \
        if (!(condition)) {                                                                                            \
            std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #condition);                \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

// Where the fixed inputs some targets need (small base checkpoints) come from: the test data, in both builds.
#ifndef DEEPEXT_FUZZ_DATA_DIR
#define DEEPEXT_FUZZ_DATA_DIR DEEPEXT_TEST_DATA_DIR
#endif
