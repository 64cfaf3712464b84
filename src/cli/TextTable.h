#pragma once

#include <string>
#include <vector>

namespace deepext::cli {

// A plain left-aligned text table for terminal listings.
class TextTable
{
public:
    explicit TextTable(std::vector<std::string> header);
    void addRow(std::vector<std::string> row);
    std::string render() const;
    bool isEmpty() const { return m_rows.empty(); }

private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows;
};

// 1536 → "1.5 KiB"; 3221225472 → "3.0 GiB".
std::string humanBytes(unsigned long long bytes);

} // namespace deepext::cli
