#include "deepext/base/Logging.h"

#include <QString>
#include <QtGlobal>

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <filesystem>
#include <mutex>

namespace deepext::logging {
namespace {

// Every named logger writes into this one distributing sink, so sinks added later reach all of them.
std::shared_ptr<spdlog::sinks::dist_sink_mt> distSink()
{
    static auto sink = std::make_shared<spdlog::sinks::dist_sink_mt>();
    return sink;
}

std::mutex s_mutex;
std::shared_ptr<spdlog::sinks::sink> s_fileSink;
std::shared_ptr<spdlog::sinks::sink> s_stderrSink;
std::string s_logDirectory;

std::shared_ptr<spdlog::logger> named(const std::string& name)
{
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto logger = std::make_shared<spdlog::logger>(name, distSink());
    logger->set_level(spdlog::level::trace);
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    return logger;
}

void qtMessageHandler(QtMsgType type, const QMessageLogContext&, const QString& message)
{
    auto logger = named("qt");
    const std::string text = message.toStdString();
    switch (type) {
    case QtDebugMsg:
        logger->debug(text);
        break;
    case QtInfoMsg:
        logger->info(text);
        break;
    case QtWarningMsg:
        logger->warn(text);
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        logger->error(text);
        break;
    }
}

} // namespace

bool isValidLevel(const std::string& level)
{
    static const std::array<std::string, 8> levels{"trace",   "debug", "info",     "warn",
                                                   "warning", "error", "critical", "off"};
    return std::find(levels.begin(), levels.end(), level) != levels.end();
}

void init(const Options& options)
{
    std::lock_guard lock(s_mutex);
    distSink()->set_level(spdlog::level::trace);
    if (s_stderrSink) {
        distSink()->remove_sink(s_stderrSink);
        s_stderrSink.reset();
    }
    if (options.toStderr) {
        s_stderrSink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        s_stderrSink->set_pattern("%^%l%$ [%n] %v");
        s_stderrSink->set_level(spdlog::level::from_str(options.level == "warning" ? "warn" : options.level));
        distSink()->add_sink(s_stderrSink);
    }
    for (const char* name : {"core", "merge", "net", "ui", "cli", "qt"}) {
        named(name);
    }
    qInstallMessageHandler(qtMessageHandler);
    if (!options.logDirectory.empty()) {
        s_mutex.unlock();
        setLogDirectory(options.logDirectory);
        s_mutex.lock();
    }
}

void setLogDirectory(const std::string& directory)
{
    std::lock_guard lock(s_mutex);
    if (directory == s_logDirectory && s_fileSink) {
        return;
    }
    if (s_fileSink) {
        distSink()->remove_sink(s_fileSink);
        s_fileSink.reset();
    }
    s_logDirectory = directory;
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    try {
        // 5 MiB per file, 3 files kept: logs never grow without bound.
        auto sink =
            std::make_shared<spdlog::sinks::rotating_file_sink_mt>(directory + "/deepext.log", 5 * 1024 * 1024, 3);
        sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %P %l [%n] %v");
        sink->set_level(spdlog::level::debug);
        s_fileSink = sink;
        distSink()->add_sink(sink);
    } catch (const spdlog::spdlog_ex&) {
        // A read-only workspace must not stop the app; the stderr sink (if any) still works.
    }
}

void addSink(std::shared_ptr<spdlog::sinks::sink> sink)
{
    distSink()->add_sink(std::move(sink));
}

std::shared_ptr<spdlog::logger> core()
{
    return named("core");
}
std::shared_ptr<spdlog::logger> merge()
{
    return named("merge");
}
std::shared_ptr<spdlog::logger> net()
{
    return named("net");
}
std::shared_ptr<spdlog::logger> ui()
{
    return named("ui");
}
std::shared_ptr<spdlog::logger> cli()
{
    return named("cli");
}

} // namespace deepext::logging
