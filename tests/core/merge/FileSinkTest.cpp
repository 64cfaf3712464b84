#include "deepext/merge/FileSink.h"

#include "deepext/base/Error.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <sys/resource.h>
#include <unistd.h>

namespace deepext {
namespace {

std::vector<std::uint8_t> pattern(std::size_t size)
{
    std::vector<std::uint8_t> bytes(size);
    for (std::size_t i = 0; i < size; ++i) {
        bytes[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 13);
    }
    return bytes;
}

std::vector<std::uint8_t> readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FileSinkTest : public ::testing::Test
{
protected:
    std::string path(const char* name) const { return m_dir.filePath(QString::fromUtf8(name)).toStdString(); }
    static int create(const std::string& path) { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644); }

    QTemporaryDir m_dir;
};

// Odd piece sizes cross the 8 MiB buffers at unaligned points; the tail is not a multiple of the block size.
TEST_F(FileSinkTest, WritesEveryByteInOrderWhateverThePieceSizes)
{
    const std::vector<std::uint8_t> bytes = pattern((20u << 20) + 12345);
    const std::string file = path("out.bin");
    const int fd = create(file);
    ASSERT_GE(fd, 0);
    bool direct = false;
    {
        FileSink sink(fd, file, bytes.size());
        std::size_t offset = 0;
        for (std::size_t piece = 1; offset < bytes.size(); piece = piece * 7 % 3000001 + 4093) {
            const std::size_t size = std::min(piece, bytes.size() - offset);
            sink.write(bytes.data() + offset, size);
            offset += size;
        }
        sink.finish();
        direct = sink.usedDirectIo();
    }
    ASSERT_EQ(::close(fd), 0);
    EXPECT_EQ(readAll(file), bytes) << (direct ? "with O_DIRECT" : "through the page cache");
}

TEST_F(FileSinkTest, EmptyAndTinyFilesAreWritten)
{
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096}}) {
        const std::string file = path(("f" + std::to_string(size)).c_str());
        const int fd = create(file);
        ASSERT_GE(fd, 0);
        const std::vector<std::uint8_t> bytes = pattern(size);
        {
            FileSink sink(fd, file, size);
            sink.write(bytes.data(), bytes.size());
            sink.finish();
        }
        ::close(fd);
        EXPECT_EQ(readAll(file), bytes) << size;
    }
}

// A size limit that cuts a direct write short at an unaligned offset: the bytes up to the limit are written, then
// the error names the file and how far it got.
TEST_F(FileSinkTest, FileSizeLimitGivesAnErrorWithTheByteCounts)
{
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = saved;
    limited.rlim_cur = (10u << 20) + 5;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);

    const std::vector<std::uint8_t> bytes = pattern(30u << 20);
    const std::string file = path("limited.bin");
    const int fd = create(file);
    std::string message;
    try {
        FileSink sink(fd, file, bytes.size());
        for (std::size_t offset = 0; offset < bytes.size(); offset += 1u << 20) {
            sink.write(bytes.data() + offset, 1u << 20);
        }
        sink.finish();
    } catch (const Error& e) {
        message = e.message();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);
    ::close(fd);

    EXPECT_NE(message.find("cannot write " + file), std::string::npos) << message;
    EXPECT_NE(message.find("File too large"), std::string::npos) << message;
    EXPECT_NE(message.find("after 10.49 MB of its 31.46 MB"), std::string::npos) << message;
    const std::vector<std::uint8_t> written = readAll(file);
    ASSERT_EQ(written.size(), limited.rlim_cur);
    EXPECT_TRUE(std::equal(written.begin(), written.end(), bytes.begin()));
}

TEST_F(FileSinkTest, FullDiskSaysHowMuchMoreSpaceIsNeeded)
{
    const std::vector<std::uint8_t> bytes = pattern(3000000);
    const std::string file = path("full.bin");
    const int fd = create(file);
    std::string message;
    try {
        FileSink sink(fd, file, bytes.size(), 1000000); // the test hook: ENOSPC past 1 MB
        sink.write(bytes.data(), bytes.size());
        sink.finish();
    } catch (const Error& e) {
        message = e.message();
    }
    ::close(fd);
    EXPECT_NE(message.find("cannot write " + file + ": the disk is full"), std::string::npos) << message;
    EXPECT_NE(message.find("after 1.00 MB of its 3.00 MB; free at least 2.00 MB more on the disk of " +
                           m_dir.path().toStdString()),
              std::string::npos)
        << message;
    EXPECT_EQ(readAll(file).size(), 1000000u);
}

// The producer is told about a failure even when it stopped writing long before finish().
TEST_F(FileSinkTest, AFailureIsReportedByFinish)
{
    const std::string file = path("late.bin");
    const int fd = create(file);
    const std::vector<std::uint8_t> bytes = pattern(100);
    FileSink sink(fd, file, bytes.size(), 10);
    sink.write(bytes.data(), bytes.size());
    EXPECT_THROW(sink.finish(), Error);
    ::close(fd);
}

// Once a write has thrown, later writes throw the same failure instead of touching a buffer that is gone.
TEST_F(FileSinkTest, WritesAfterAFailureKeepFailing)
{
    const std::string file = path("after.bin");
    const int fd = create(file);
    const std::vector<std::uint8_t> bytes = pattern(1u << 20);
    FileSink sink(fd, file, 40u << 20, 10);
    // The thread's failure reaches the producer when it next needs a free buffer (three of 8 MiB), then every time.
    int firstThrow = -1;
    for (int i = 0; i < 40; ++i) {
        try {
            sink.write(bytes.data(), bytes.size());
            EXPECT_EQ(firstThrow, -1) << "write " << i << " succeeded after write " << firstThrow << " threw";
        } catch (const Error& e) {
            firstThrow = firstThrow < 0 ? i : firstThrow;
            EXPECT_NE(e.message().find("the disk is full"), std::string::npos) << e.message();
        }
    }
    EXPECT_GE(firstThrow, 8);
    EXPECT_LE(firstThrow, 24);
    EXPECT_THROW(sink.finish(), Error);
    ::close(fd);
}

} // namespace
} // namespace deepext
