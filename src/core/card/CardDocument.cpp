#include "deepext/card/CardDocument.h"

#include <algorithm>

namespace deepext::carddoc {

bool isCode(SpanKind kind)
{
    return kind == SpanKind::Code || kind == SpanKind::Folder || kind == SpanKind::File || kind == SpanKind::Hash;
}

namespace {

// Backslash-escapes what Markdown (and GitHub tables) would otherwise read as markup.
std::string escapeMarkdown(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '<':
        case '>':
        case '|':
        case '#':
            out += '\\';
            out += c;
            break;
        case '\n':
        case '\r':
            out += ' ';
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string codeSpan(const std::string& raw)
{
    std::string text = raw;
    std::replace(text.begin(), text.end(), '\n', ' ');
    // A pipe ends a table cell even inside a code span (GitHub rule), so it is escaped there too.
    std::string piped;
    for (char c : text) {
        if (c == '|') {
            piped += "\\|";
        } else {
            piped += c;
        }
    }
    std::string fence = "`";
    while (piped.find(fence) != std::string::npos) {
        fence += '`';
    }
    const bool pad = !piped.empty() && (piped.front() == '`' || piped.back() == '`');
    return fence + (pad ? " " : "") + piped + (pad ? " " : "") + fence;
}

std::string markdownInline(const Inline& spans)
{
    std::string out;
    for (const Span& span : spans) {
        out += isCode(span.kind) ? codeSpan(span.text) : escapeMarkdown(span.text);
    }
    return out;
}

// A fence longer than any run of backticks inside, so the text cannot close it.
std::string fenceFor(const std::string& text)
{
    std::size_t longest = 0;
    std::size_t run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string withFinalNewline(const std::string& text)
{
    return text.empty() || text.back() == '\n' ? text : text + "\n";
}

std::string plainInline(const Inline& spans)
{
    std::string out;
    for (const Span& span : spans) {
        out += span.text;
    }
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

// Columns in the terminal: UTF-8 continuation bytes take no column (the sparkline's block characters).
std::size_t displayWidth(const std::string& text)
{
    std::size_t width = 0;
    for (unsigned char c : text) {
        if ((c & 0xC0) != 0x80) {
            ++width;
        }
    }
    return width;
}

std::string padRight(const std::string& text, std::size_t width)
{
    const std::size_t current = displayWidth(text);
    return current >= width ? text : text + std::string(width - current, ' ');
}

// Facts are written as the two-column table they always were: "Fact | Value" in Markdown, "label: value" in text.
const std::vector<std::string>& factsHeader()
{
    static const std::vector<std::string> header{"Fact", "Value"};
    return header;
}

std::vector<std::vector<Inline>> factRows(const std::vector<Fact>& facts)
{
    std::vector<std::vector<Inline>> rows;
    rows.reserve(facts.size());
    for (const Fact& fact : facts) {
        rows.push_back({Inline{Span{fact.label, SpanKind::Text}}, fact.value});
    }
    return rows;
}

std::string markdownTable(const std::vector<std::string>& header, const std::vector<std::vector<Inline>>& rows)
{
    std::string line = "|";
    std::string rule = "|";
    for (const std::string& head : header) {
        line += " " + escapeMarkdown(head) + " |";
        rule += " --- |";
    }
    std::string out = line + "\n" + rule + "\n";
    for (const auto& row : rows) {
        line = "|";
        for (const Inline& cell : row) {
            const std::string text = markdownInline(cell);
            line += " " + (text.empty() ? std::string(" ") : text) + " |";
        }
        out += line + "\n";
    }
    return out;
}

// A fact table reads best as "label: value" lines; other tables get a header and aligned columns.
std::string plainTable(const std::vector<std::string>& header, const std::vector<std::vector<Inline>>& rows, bool facts)
{
    std::string out;
    std::vector<std::size_t> widths(header.size(), 0);
    std::vector<std::vector<std::string>> texts;
    for (const auto& row : rows) {
        std::vector<std::string> line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line.push_back(plainInline(row[c]));
            if (c < widths.size()) {
                widths[c] = std::max(widths[c], displayWidth(line.back()));
            }
        }
        texts.push_back(std::move(line));
    }
    if (!facts) {
        std::string line = " ";
        for (std::size_t c = 0; c < header.size(); ++c) {
            widths[c] = std::max(widths[c], displayWidth(header[c]));
            line += " " + padRight(header[c], widths[c]);
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + "\n";
    }
    for (const auto& row : texts) {
        std::string line = " ";
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (facts && c == 0) {
                line += " " + padRight(row[c] + ":", widths[0] + 1);
            } else {
                line += " " + padRight(row[c], c < widths.size() ? widths[c] : 0);
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + "\n";
    }
    return out;
}

} // namespace

std::string toMarkdown(const Document& document)
{
    std::string out;
    for (const Section& section : document.sections) {
        if (!out.empty()) {
            out += '\n';
        }
        out += std::string(static_cast<std::size_t>(std::max(1, section.level)), '#') + " " +
               escapeMarkdown(section.title) + "\n";
        for (const Block& block : section.blocks) {
            out += '\n';
            switch (block.kind) {
            case Block::Kind::Paragraph:
                for (const Inline& cell : block.lines) {
                    out += markdownInline(cell) + "\n";
                }
                break;
            case Block::Kind::Bullets:
                for (const Inline& cell : block.lines) {
                    out += "- " + markdownInline(cell) + "\n";
                }
                break;
            case Block::Kind::Verbatim: {
                const std::string fence = fenceFor(block.verbatim);
                out += fence + "\n" + withFinalNewline(block.verbatim) + fence + "\n";
                break;
            }
            case Block::Kind::Facts:
                out += markdownTable(factsHeader(), factRows(block.facts));
                break;
            case Block::Kind::Table:
                out += markdownTable(block.header, block.rows);
                break;
            }
        }
    }
    return out;
}

std::string toPlainText(const Document& document)
{
    std::string out;
    for (const Section& section : document.sections) {
        if (!out.empty()) {
            out += '\n';
        }
        out += section.title + "\n";
        const char underline = section.level <= 1 ? '=' : (section.level == 2 ? '-' : '~');
        out += std::string(displayWidth(section.title), underline) + "\n";
        for (std::size_t b = 0; b < section.blocks.size(); ++b) {
            const Block& block = section.blocks[b];
            // A blank line between blocks, except after a lead-in paragraph that introduces what follows.
            if (b > 0 &&
                !(section.blocks[b - 1].kind == Block::Kind::Paragraph && block.kind != Block::Kind::Paragraph)) {
                out += '\n';
            }
            switch (block.kind) {
            case Block::Kind::Paragraph:
                for (const Inline& cell : block.lines) {
                    out += plainInline(cell) + "\n";
                }
                break;
            case Block::Kind::Bullets:
                for (const Inline& cell : block.lines) {
                    out += "  * " + plainInline(cell) + "\n";
                }
                break;
            case Block::Kind::Verbatim: {
                const std::string text = withFinalNewline(block.verbatim);
                std::size_t start = 0;
                while (start < text.size()) {
                    const std::size_t end = text.find('\n', start);
                    const std::string line = text.substr(start, end - start);
                    out += line.empty() ? "\n" : "    " + line + "\n";
                    start = end + 1;
                }
                break;
            }
            case Block::Kind::Facts:
                out += plainTable(factsHeader(), factRows(block.facts), true);
                break;
            case Block::Kind::Table:
                out += plainTable(block.header, block.rows, false);
                break;
            }
        }
    }
    return out;
}

} // namespace deepext::carddoc
