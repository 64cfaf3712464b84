#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace deepext {

// Appends a stream of bytes to an open file from a background thread, so the producer never waits for the disk.
// Bytes are copied into a few page-aligned buffers; full buffers are written with O_DIRECT where the file system
// allows it: no copy into the page cache (on a 2-core machine that copy costs as much CPU as the merge arithmetic),
// no gigabytes of dirty pages for the final fsync, and the user's page cache is not flushed out by a model that
// nobody reads back soon. Where O_DIRECT is refused (tmpfs, an unaligned tail, a short write at a size limit) the
// rest goes through the page cache with writeback started every 64 MiB.
//
// A write error is remembered by the thread and thrown, as deepext::Error naming the file and the byte counts, by
// the next write() or by finish(). The file descriptor stays the caller's: it is not closed or fsynced here.
// The error for a failed write of `path` (errno `error`): a full disk, a file size limit or anything else, with how
// far the file got, so the user knows how much space to free.
[[noreturn]] void throwFileWriteError(const std::string& path, int error, std::uint64_t written = 0,
                                      std::uint64_t total = 0);

class FileSink
{
public:
    // `totalBytes` is the size the file will have (for messages); `faultLimit` is the test hook of
    // SafeTensorsWriter (simulated ENOSPC past that size; it turns O_DIRECT off).
    FileSink(int fd, std::string path, std::uint64_t totalBytes, std::uint64_t faultLimit = UINT64_MAX);
    // Stops the thread; buffered bytes not yet written are dropped (the caller deletes the file).
    ~FileSink();
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    void write(const std::uint8_t* data, std::size_t size);
    // Writes what is buffered and waits for the thread; afterwards every byte is in the file (not yet fsynced).
    void finish();
    bool usedDirectIo() const;

private:
    struct Buffer;
    void run();
    bool writeBuffer(const Buffer& buffer);
    int writeAll(const std::uint8_t* data, std::size_t size); // 0 or the errno of the failure
    void turnOffDirectIo();
    void submitCurrent(std::unique_lock<std::mutex>& lock);
    void stop();
    [[noreturn]] void throwFailure() const;

    const int m_fd;
    const std::string m_path;
    const std::uint64_t m_totalBytes;
    const std::uint64_t m_faultLimit;
    bool m_direct = false;         // I/O thread only, after construction
    std::uint64_t m_written = 0;   // I/O thread only
    std::uint64_t m_writeback = 0; // I/O thread only: where sync_file_range last started writeback

    std::vector<std::unique_ptr<Buffer>> m_buffers;
    Buffer* m_current = nullptr; // being filled by the producer
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Buffer*> m_free;  // guarded by m_mutex
    std::deque<Buffer*> m_queued; // guarded by m_mutex; written front to back
    bool m_stopping = false;      // guarded by m_mutex
    bool m_abandoned = false;     // guarded by m_mutex: destroyed before finish(), queued buffers are dropped
    int m_error = 0;              // guarded by m_mutex: errno of the failed write
    std::uint64_t m_failedAt = 0; // guarded by m_mutex: bytes in the file when it failed
    bool m_usedDirectIo = false;  // guarded by m_mutex
    std::thread m_thread;
};

} // namespace deepext
