#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace deepext::cli {

// Progress on stderr: a redrawn bar on a terminal, a line every few seconds otherwise (logs and CI stay readable).
class ProgressReporter
{
public:
    explicit ProgressReporter(std::string label);
    ~ProgressReporter();

    void update(std::uint64_t done, std::uint64_t total, const std::string& phase = {});
    void finish();

private:
    std::string m_label;
    bool m_terminal;
    bool m_drawn = false;
    std::string m_lastPhase;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_lastPrint;
};

} // namespace deepext::cli
