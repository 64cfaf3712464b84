#include "ProgressReporter.h"

#include "TextTable.h"

#include <fmt/format.h>

#include <cstdio>
#include <unistd.h>

namespace deepext::cli {

ProgressReporter::ProgressReporter(std::string label)
    : m_label(std::move(label))
    , m_terminal(::isatty(STDERR_FILENO) == 1)
    , m_start(std::chrono::steady_clock::now())
    , m_lastPrint(m_start)
{
}

ProgressReporter::~ProgressReporter()
{
    finish();
}

void ProgressReporter::update(std::uint64_t done, std::uint64_t total, const std::string& phase)
{
    const auto now = std::chrono::steady_clock::now();
    const bool phaseChanged = !phase.empty() && phase != m_lastPhase;
    const auto interval = m_terminal ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
    if (!phaseChanged && now - m_lastPrint < interval) {
        return;
    }
    m_lastPrint = now;
    if (!phase.empty()) {
        m_lastPhase = phase;
    }
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const int percent =
        total > 0 ? static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total)) : 0;
    if (m_terminal) {
        constexpr int Width = 30;
        const int filled = percent * Width / 100;
        std::fprintf(stderr, "\r%s [%s%s] %3d%% %s/%s %s/s %s\033[K", m_label.c_str(), std::string(filled, '#').c_str(),
                     std::string(Width - filled, '.').c_str(), percent, humanBytes(done).c_str(),
                     humanBytes(total).c_str(), humanBytes(static_cast<unsigned long long>(rate)).c_str(),
                     m_lastPhase.c_str());
        m_drawn = true;
    } else {
        std::fprintf(stderr, "%s: %d%% (%s of %s) %s\n", m_label.c_str(), percent, humanBytes(done).c_str(),
                     humanBytes(total).c_str(), m_lastPhase.c_str());
    }
    std::fflush(stderr);
}

void ProgressReporter::finish()
{
    if (m_drawn) {
        std::fputs("\n", stderr);
        m_drawn = false;
    }
}

} // namespace deepext::cli
