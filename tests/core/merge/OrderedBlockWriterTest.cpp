#include "deepext/merge/OrderedBlockWriter.h"

#include "deepext/base/Error.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>

using deepext::OrderedBlockWriter;
using deepext::ThreadPool;

namespace {

// Blocks whose fill time varies (later blocks finish first) still reach the consumer in submission order.
TEST(OrderedBlockWriter, ConsumerSeesBlocksInSubmissionOrder)
{
    ThreadPool pool(4);
    std::atomic_bool cancel{false};
    std::string seen;
    int releases = 0;
    {
        OrderedBlockWriter blocks(
            pool, cancel, [&](const std::uint8_t* bytes, std::uint64_t size) { seen.append(bytes, bytes + size); }, 3);
        for (int i = 0; i < 40; ++i) {
            const auto size = static_cast<std::uint64_t>(1 + i % 5);
            blocks.submit(
                size,
                [i, size](std::uint8_t* bytes) {
                    // A busy loop of decreasing length: block i tends to finish after block i + 1.
                    volatile int spin = (40 - i) * 2000;
                    while (spin > 0) {
                        spin = spin - 1;
                    }
                    for (std::uint64_t k = 0; k < size; ++k) {
                        bytes[k] = static_cast<std::uint8_t>('a' + i % 26);
                    }
                },
                [&releases] { ++releases; });
        }
        blocks.finish();
    }
    std::string expected;
    for (int i = 0; i < 40; ++i) {
        expected.append(static_cast<std::size_t>(1 + i % 5), static_cast<char>('a' + i % 26));
    }
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(releases, 40);
}

TEST(OrderedBlockWriter, AFailingFillRethrowsWhenItsBlockIsHandedOn)
{
    ThreadPool pool(2);
    std::atomic_bool cancel{false};
    std::uint64_t consumed = 0;
    OrderedBlockWriter blocks(
        pool, cancel, [&](const std::uint8_t*, std::uint64_t size) { consumed += size; }, 2);
    blocks.submit(4, [](std::uint8_t*) {});
    blocks.submit(4, [](std::uint8_t*) { throw deepext::Error("cannot read model.safetensors"); });
    EXPECT_THROW(blocks.finish(), deepext::Error);
    EXPECT_EQ(consumed, 4u); // the block before the failure, nothing after it
}

TEST(OrderedBlockWriter, CancelStopsBeforeTheNextBlock)
{
    ThreadPool pool(2);
    std::atomic_bool cancel{false};
    std::uint64_t consumed = 0;
    OrderedBlockWriter blocks(
        pool, cancel, [&](const std::uint8_t*, std::uint64_t size) { consumed += size; }, 100);
    blocks.submit(8, [](std::uint8_t*) {});
    cancel = true;
    try {
        blocks.finish();
        FAIL() << "finish() after cancel did not throw";
    } catch (const deepext::Error& error) {
        EXPECT_TRUE(error.isCancelled());
    }
    EXPECT_EQ(consumed, 0u);
}

} // namespace
