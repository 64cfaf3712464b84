#include "OllamaVersion.h"

#include <QRegularExpression>

#include <tuple>

namespace deepext::fake {

OllamaVersion::OllamaVersion(const QString& text)
    : m_text(text)
{
    static const QRegularExpression pattern(QStringLiteral("^v?(\\d+)\\.(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (match.hasMatch()) {
        m_major = match.captured(1).toInt();
        m_minor = match.captured(2).toInt();
        m_patch = match.captured(3).toInt();
    }
}

bool OllamaVersion::atLeast(int major, int minor, int patch) const
{
    // A source build reports 0.0.0 and has the current API (version/version.go).
    if (m_major == 0 && m_minor == 0 && m_patch == 0) {
        return true;
    }
    return std::tie(m_major, m_minor, m_patch) >= std::tie(major, minor, patch);
}

} // namespace deepext::fake
