#include "deepext/merge/FileSink.h"

#include "deepext/base/Error.h"
#include "deepext/base/FaultInjection.h"
#include "deepext/merge/DiskSpace.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace deepext {
namespace {

// O_DIRECT needs buffer addresses, file offsets and lengths aligned to the device's logical block; 4 KiB covers
// every common device. Buffers are whole multiples of it, so every full buffer lands at an aligned offset.
constexpr std::size_t kAlignment = 4096;
constexpr std::size_t kBufferBytes = 8u << 20;
constexpr std::size_t kBufferCount = 3; // one being filled, up to two waiting for or in the disk
// In page-cache mode, start writeback every so often so the final fsync does not wait for gigabytes at once.
constexpr std::uint64_t kWritebackInterval = 64u << 20;

std::string directoryOf(const std::string& path)
{
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    return parent.empty() ? std::string(".") : parent.string();
}

} // namespace

void throwFileWriteError(const std::string& path, int error, std::uint64_t written, std::uint64_t total)
{
    const std::string why = std::strerror(error);
    const std::string progress = total > 0 ? " after " + formatBytes(written) + " of its " + formatBytes(total) : "";
    if (error == ENOSPC || error == EDQUOT) {
        const std::string need = total > written ? "at least " + formatBytes(total - written) + " more" : "some space";
        throw Error("cannot write " + path + ": the disk is full (" + why + ")" + progress + "; free " + need +
                    " on the disk of " + directoryOf(path) + " and try again");
    }
    if (error == EFBIG) {
        throw Error("cannot write " + path + ": the file could not be written (" + why + ")" + progress +
                    ": the file system or a file size limit does not allow a file this large");
    }
    throw Error("cannot write " + path + ": the file could not be written (" + why + ")" + progress);
}

struct FileSink::Buffer
{
    std::uint8_t* data = nullptr;
    std::size_t used = 0;
    ~Buffer() { std::free(data); }
};

FileSink::FileSink(int fd, std::string path, std::uint64_t totalBytes, std::uint64_t faultLimit)
    : m_fd(fd)
    , m_path(std::move(path))
    , m_totalBytes(totalBytes)
    , m_faultLimit(faultLimit)
{
    for (std::size_t i = 0; i < kBufferCount; ++i) {
        auto buffer = std::make_unique<Buffer>();
        if (::posix_memalign(reinterpret_cast<void**>(&buffer->data), kAlignment, kBufferBytes) != 0) {
            throw std::bad_alloc();
        }
        m_free.push_back(buffer.get());
        m_buffers.push_back(std::move(buffer));
    }
    m_current = m_free.back();
    m_free.pop_back();
    // Asked for after open(): a file system that cannot do direct I/O refuses here, and the file stays as it is.
    if (m_faultLimit == UINT64_MAX) {
        const int flags = ::fcntl(m_fd, F_GETFL);
        m_direct = flags >= 0 && ::fcntl(m_fd, F_SETFL, flags | O_DIRECT) == 0;
    }
    m_usedDirectIo = m_direct;
    m_thread = std::thread([this] { run(); });
}

FileSink::~FileSink()
{
    {
        std::lock_guard lock(m_mutex);
        m_abandoned = true; // a writer given up on (failure, cancel): queued buffers are not written
    }
    stop();
}

void FileSink::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

bool FileSink::usedDirectIo() const
{
    std::lock_guard lock(m_mutex);
    return m_usedDirectIo;
}

void FileSink::throwFailure() const
{
    throwFileWriteError(m_path, m_error, m_failedAt, m_totalBytes);
}

void FileSink::submitCurrent(std::unique_lock<std::mutex>& lock)
{
    m_queued.push_back(m_current);
    m_current = nullptr;
    m_changed.notify_all();
    m_changed.wait(lock, [this] { return !m_free.empty() || m_error != 0; });
    if (m_error != 0) {
        throwFailure();
    }
    m_current = m_free.back();
    m_free.pop_back();
}

void FileSink::write(const std::uint8_t* data, std::size_t size)
{
    while (size > 0) {
        if (!m_current) {
            std::lock_guard lock(m_mutex);
            throwFailure(); // an earlier write() already threw this failure
        }
        if (m_current->used == kBufferBytes) {
            std::unique_lock lock(m_mutex);
            submitCurrent(lock);
        }
        const std::size_t chunk = std::min(size, kBufferBytes - m_current->used);
        std::memcpy(m_current->data + m_current->used, data, chunk);
        m_current->used += chunk;
        data += chunk;
        size -= chunk;
    }
}

void FileSink::finish()
{
    {
        std::unique_lock lock(m_mutex);
        if (m_error != 0) {
            throwFailure();
        }
        if (m_current && m_current->used > 0) {
            m_queued.push_back(m_current);
            m_current = nullptr;
        }
        m_changed.notify_all();
        // The queue drains before the thread looks at m_stopping.
        m_changed.wait(lock, [this] { return m_queued.empty() || m_error != 0; });
    }
    stop();
    std::lock_guard lock(m_mutex);
    if (m_error != 0) {
        throwFailure();
    }
}

void FileSink::run()
{
    for (;;) {
        Buffer* buffer = nullptr;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_queued.empty() || m_stopping; });
            if (m_queued.empty() || m_error != 0 || m_abandoned) {
                return;
            }
            buffer = m_queued.front();
        }
        const bool written = writeBuffer(*buffer);
        {
            std::lock_guard lock(m_mutex);
            m_queued.pop_front();
            buffer->used = 0;
            m_free.push_back(buffer);
            if (!written) {
                m_queued.clear(); // nothing after a failed write goes to the file
            }
        }
        m_changed.notify_all();
    }
}

void FileSink::turnOffDirectIo()
{
    if (m_direct) {
        const int flags = ::fcntl(m_fd, F_GETFL);
        if (flags >= 0) {
            ::fcntl(m_fd, F_SETFL, flags & ~O_DIRECT);
        }
        m_direct = false;
    }
}

bool FileSink::writeBuffer(const Buffer& buffer)
{
    if (m_direct && buffer.used % kAlignment != 0) {
        turnOffDirectIo(); // the tail of the file
    }
    const int error = writeAll(buffer.data, buffer.used);
    if (error != 0) {
        std::lock_guard lock(m_mutex);
        m_error = error;
        m_failedAt = m_written;
        return false;
    }
    return true;
}

int FileSink::writeAll(const std::uint8_t* data, std::size_t size)
{
    while (size > 0) {
        std::size_t chunk = size;
        if (m_faultLimit != UINT64_MAX) {
            if (m_written >= m_faultLimit) {
                return ENOSPC;
            }
            chunk = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, m_faultLimit - m_written));
        }
        const ssize_t n = ::write(m_fd, data, chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EINVAL && m_direct) {
            // Alignment the device does not accept, or a size limit cutting the write short: page cache from here.
            turnOffDirectIo();
            continue;
        }
        if (n <= 0) {
            return n < 0 ? errno : EIO;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
        m_written += static_cast<std::uint64_t>(n);
        fault::bytesWritten(static_cast<std::uint64_t>(n));
        if (m_direct && static_cast<std::size_t>(n) % kAlignment != 0) {
            turnOffDirectIo(); // a short direct write leaves an unaligned offset
        }
    }
    if (!m_direct && m_written - m_writeback >= kWritebackInterval) {
        ::sync_file_range(m_fd, static_cast<off_t>(m_writeback), static_cast<off_t>(m_written - m_writeback),
                          SYNC_FILE_RANGE_WRITE);
        m_writeback = m_written;
    }
    return 0;
}

} // namespace deepext
