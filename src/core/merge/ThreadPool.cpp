#include "deepext/merge/ThreadPool.h"

namespace deepext {

ThreadPool::ThreadPool(unsigned threads)
{
    for (unsigned i = 0; i < (threads == 0 ? 1 : threads); ++i) {
        m_workers.emplace_back([this] { run(); });
    }
}

ThreadPool::~ThreadPool()
{
    std::deque<std::function<void()>> dropped;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_queue);
    }
    m_wake.notify_all();
    for (std::thread& worker : m_workers) {
        worker.join();
    }
}

void ThreadPool::run()
{
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) {
                return;
            }
            task = std::move(m_queue.front());
            m_queue.pop_front();
        }
        task();
    }
}

} // namespace deepext
