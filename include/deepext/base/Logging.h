#pragma once

#include <spdlog/logger.h>

#include <memory>
#include <string>

namespace deepext::logging {

// Named loggers (nheko's shape): one sink list shared by all, a rotating file under the workspace logs/ and,
// for the CLI, stderr at the chosen level. Qt messages are routed into the "qt" logger.
struct Options
{
    std::string level = "info"; // trace|debug|info|warn|error|critical|off: applies to stderr
    bool toStderr = false;      // the CLI logs to stderr, the GUI does not
    std::string logDirectory;   // empty: no file sink
};

void init(const Options& options);
// Adds a sink to every named logger (the GUI's log dock uses this).
void addSink(std::shared_ptr<spdlog::sinks::sink> sink);
// Adds or replaces the rotating file sink once the workspace (and so the log directory) is known.
void setLogDirectory(const std::string& directory);
bool isValidLevel(const std::string& level);

std::shared_ptr<spdlog::logger> core();
std::shared_ptr<spdlog::logger> merge();
std::shared_ptr<spdlog::logger> net();
std::shared_ptr<spdlog::logger> ui();
std::shared_ptr<spdlog::logger> cli();

} // namespace deepext::logging
