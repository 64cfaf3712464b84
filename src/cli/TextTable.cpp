#include "TextTable.h"

#include <fmt/format.h>

#include <algorithm>

namespace deepext::cli {

TextTable::TextTable(std::vector<std::string> header)
    : m_header(std::move(header))
{
}

void TextTable::addRow(std::vector<std::string> row)
{
    row.resize(m_header.size());
    m_rows.push_back(std::move(row));
}

std::string TextTable::render() const
{
    std::vector<std::size_t> widths(m_header.size());
    for (std::size_t c = 0; c < m_header.size(); ++c) {
        widths[c] = m_header[c].size();
        for (const auto& row : m_rows) {
            widths[c] = std::max(widths[c], row[c].size());
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            out += cells[c];
            if (c + 1 < cells.size()) {
                out += std::string(widths[c] - cells[c].size() + 2, ' ');
            }
        }
        return out + "\n";
    };
    std::string text = line(m_header);
    for (const auto& row : m_rows) {
        text += line(row);
    }
    return text;
}

std::string humanBytes(unsigned long long bytes)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

} // namespace deepext::cli
