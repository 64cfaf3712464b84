#pragma once

#include "deepext/merge/ThreadPool.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <vector>

namespace deepext {

// The block pipeline of the merge and the GGUF export: the caller cuts its output into blocks of bytes, each block
// is computed on a ThreadPool into a recycled buffer, and the blocks reach the consumer (one thread: the caller's)
// strictly in submission order. At most `maxPending` blocks are computed ahead of the consumer, so only a few
// buffers are ever resident whatever the output's size.
//
// The consumer typically hashes the bytes and copies them into a FileSink. A block's `release` runs after the
// consumer took it (e.g. dropping mapped input pages). A fill that throws (an I/O error, cancel) rethrows from the
// submit() or finish() that hands its block on. Cancel is checked before every block is computed and while the
// remaining blocks are handed on. Destruction waits for every submitted task: no task outlives the data it reads.
class OrderedBlockWriter
{
public:
    using Fill = std::function<void(std::uint8_t* bytes)>;
    using Release = std::function<void()>;
    using Consumer = std::function<void(const std::uint8_t* bytes, std::uint64_t size)>;

    OrderedBlockWriter(ThreadPool& pool, const std::atomic_bool& cancel, Consumer consumer, std::size_t maxPending);
    ~OrderedBlockWriter();
    OrderedBlockWriter(const OrderedBlockWriter&) = delete;
    OrderedBlockWriter& operator=(const OrderedBlockWriter&) = delete;

    // Queues a block of `size` bytes that `fill` writes; may hand earlier blocks to the consumer first.
    void submit(std::uint64_t size, Fill fill, Release release = {});
    // Hands every remaining block to the consumer, in order.
    void finish();

private:
    struct Pending
    {
        std::future<std::vector<std::uint8_t>> block;
        std::uint64_t size = 0;
        Release release;
    };
    void consumeOne();

    ThreadPool& m_pool;
    const std::atomic_bool& m_cancel;
    Consumer m_consumer;
    std::size_t m_maxPending;
    std::deque<Pending> m_pending;
    // Block buffers are recycled: a fresh 1 MiB allocation per block costs an mmap, zeroing and page faults.
    std::vector<std::vector<std::uint8_t>> m_spare;
};

} // namespace deepext
