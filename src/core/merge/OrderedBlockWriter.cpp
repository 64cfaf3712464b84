#include "deepext/merge/OrderedBlockWriter.h"

#include "deepext/base/Error.h"

namespace deepext {

OrderedBlockWriter::OrderedBlockWriter(ThreadPool& pool, const std::atomic_bool& cancel, Consumer consumer,
                                       std::size_t maxPending)
    : m_pool(pool)
    , m_cancel(cancel)
    , m_consumer(std::move(consumer))
    , m_maxPending(maxPending == 0 ? 1 : maxPending)
{
}

OrderedBlockWriter::~OrderedBlockWriter()
{
    for (Pending& item : m_pending) {
        if (item.block.valid()) {
            item.block.wait();
        }
    }
}

void OrderedBlockWriter::consumeOne()
{
    Pending item = std::move(m_pending.front());
    m_pending.pop_front();
    std::vector<std::uint8_t> bytes = item.block.get();
    m_consumer(bytes.data(), item.size);
    m_spare.push_back(std::move(bytes));
    if (item.release) {
        item.release();
    }
}

void OrderedBlockWriter::submit(std::uint64_t size, Fill fill, Release release)
{
    std::vector<std::uint8_t> buffer;
    if (!m_spare.empty()) {
        buffer = std::move(m_spare.back());
        m_spare.pop_back();
    }
    const std::atomic_bool* cancel = &m_cancel;
    Pending item;
    item.size = size;
    item.release = std::move(release);
    item.block = m_pool.submit([fill = std::move(fill), size, cancel, bytes = std::move(buffer)]() mutable {
        if (cancel->load(std::memory_order_relaxed)) {
            throw Error::cancelled();
        }
        if (bytes.size() < size) {
            bytes.resize(size); // grows only; a recycled buffer is not cleared again
        }
        fill(bytes.data());
        return std::move(bytes);
    });
    m_pending.push_back(std::move(item));
    while (m_pending.size() > m_maxPending) {
        consumeOne();
    }
}

void OrderedBlockWriter::finish()
{
    while (!m_pending.empty()) {
        if (m_cancel.load(std::memory_order_relaxed)) {
            throw Error::cancelled();
        }
        consumeOne();
    }
}

} // namespace deepext
