#pragma once

#include <string>
#include <vector>

// A small document model between the facts and their renderings: a card's (or a registered model's) content is laid
// out once (CardSections) and then written as Markdown or as plain terminal text, so the README, the window's panes
// and the CLI's `show`, `trained show` and `base show` cannot drift apart.
namespace deepext::carddoc {

struct Span
{
    std::string text;
    bool code = false; // names, paths, hashes: a code span in Markdown, plain in text
};
using Inline = std::vector<Span>;

struct Block
{
    enum class Kind
    {
        Paragraph, // cells[0]
        Bullets,   // one item per cell
        Table,     // header + rows
        Verbatim,  // cells[0][0].text as written, line breaks kept (a fenced block in Markdown, indented in text)
    };
    Kind kind = Kind::Paragraph;
    std::vector<Inline> cells;
    std::vector<std::string> header;
    std::vector<std::vector<Inline>> rows;
};

struct Section
{
    int level = 2; // 1: title, 2: section, 3: subsection
    std::string title;
    std::vector<Block> blocks;
};

struct Document
{
    std::vector<Section> sections;
};

std::string toMarkdown(const Document& document);
std::string toPlainText(const Document& document);

} // namespace deepext::carddoc
