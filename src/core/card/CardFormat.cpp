#include "CardFormat.h"

#include <fmt/format.h>

#include <cmath>

namespace deepext::cardformat {

using carddoc::Block;
using carddoc::Inline;
using carddoc::Section;
using carddoc::Span;
using carddoc::SpanKind;

std::string number(double value)
{
    return fmt::format("{}", value); // shortest text that reads back as the same double
}

std::string grouped(std::uint64_t value)
{
    std::string digits = std::to_string(value);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            out += ',';
        }
        out += digits[i];
    }
    return out;
}

std::string groupedSigned(std::int64_t value)
{
    return value < 0 ? "-" + grouped(static_cast<std::uint64_t>(-(value + 1)) + 1)
                     : grouped(static_cast<std::uint64_t>(value));
}

std::string bytesText(std::uint64_t bytes)
{
    return bytes < 1024 ? shortBytes(bytes) : fmt::format("{} bytes ({})", grouped(bytes), shortBytes(bytes));
}

std::string parametersText(std::uint64_t count)
{
    return count < 1000000 ? grouped(count) : fmt::format("{} ({})", grouped(count), shortCount(count));
}

std::string secondsText(double seconds)
{
    if (seconds < 10) {
        return fmt::format("{:.2f} s", seconds);
    }
    if (seconds < 120) {
        return fmt::format("{:.1f} s", seconds);
    }
    const auto total = static_cast<long long>(std::llround(seconds));
    return fmt::format("{:.1f} s ({}h {:02}m {:02}s)", seconds, total / 3600, (total / 60) % 60, total % 60);
}

std::string joined(const std::vector<std::string>& items, const std::string& separator)
{
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

Inline text(const std::string& s)
{
    return Inline{Span{s, SpanKind::Text}};
}
Inline code(const std::string& s)
{
    return Inline{Span{s, SpanKind::Code}};
}
Inline folder(const std::string& s)
{
    return Inline{Span{s, SpanKind::Folder}};
}
Inline hash(const std::string& s)
{
    return Inline{Span{s, SpanKind::Hash}};
}
Inline time(const std::string& s)
{
    return Inline{Span{s, SpanKind::Time}};
}
Inline unknown()
{
    return text(kUnknown);
}

Inline optText(const std::optional<std::string>& value)
{
    return value ? text(*value) : unknown();
}
Inline optCode(const std::optional<std::string>& value)
{
    return value ? code(*value) : unknown();
}
Inline optInt(const std::optional<std::int64_t>& value)
{
    return value ? text(groupedSigned(*value)) : unknown();
}
Inline optNumber(const std::optional<double>& value)
{
    return value ? text(number(*value)) : unknown();
}
Inline optBool(const std::optional<bool>& value)
{
    return value ? text(*value ? "yes" : "no") : unknown();
}
Inline codeList(const std::vector<std::string>& items)
{
    Inline out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out.push_back(Span{", ", SpanKind::Text});
        }
        out.push_back(Span{items[i], SpanKind::Code});
    }
    return out;
}

Inline lossAt(const LossPoint& point)
{
    std::string where;
    if (point.step) {
        where = "step " + groupedSigned(*point.step);
    }
    if (point.epoch) {
        where += (where.empty() ? "epoch " : ", epoch ") + number(*point.epoch);
    }
    return text(number(point.loss) + (where.empty() ? "" : " (" + where + ")"));
}

Block paragraph(Inline content)
{
    Block block;
    block.kind = Block::Kind::Paragraph;
    block.lines.push_back(std::move(content));
    return block;
}

Block bullets(const std::vector<std::string>& items)
{
    Block block;
    block.kind = Block::Kind::Bullets;
    for (const std::string& item : items) {
        block.lines.push_back(text(item));
    }
    return block;
}

Block table(std::vector<std::string> header, bool itemized)
{
    Block block;
    block.kind = Block::Kind::Table;
    block.header = std::move(header);
    block.itemized = itemized;
    return block;
}

Block verbatim(const std::string& content)
{
    Block block;
    block.kind = Block::Kind::Verbatim;
    block.verbatim = content;
    return block;
}

void addNotes(Section& section, const std::vector<std::string>& notes, const std::string& lead)
{
    if (notes.empty()) {
        return;
    }
    section.blocks.push_back(paragraph(text(lead)));
    section.blocks.push_back(bullets(notes));
}

std::string shortBytes(std::uint64_t bytes)
{
    static const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        return grouped(bytes) + " bytes";
    }
    double scaled = static_cast<double>(bytes);
    int unit = -1;
    while (scaled >= 1024.0 && unit < 3) {
        scaled /= 1024.0;
        ++unit;
    }
    return fmt::format("{:.1f} {}", scaled, units[unit]);
}

std::string shortCount(std::uint64_t count)
{
    const double n = static_cast<double>(count);
    if (n >= 1e9) {
        return fmt::format("{:.2f} B", n / 1e9);
    }
    if (n >= 1e6) {
        return fmt::format("{:.2f} M", n / 1e6);
    }
    return grouped(count);
}

} // namespace deepext::cardformat
