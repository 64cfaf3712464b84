#pragma once

#include <string>
#include <vector>

// A small document model between the card and its renderings: the card's content is laid out once
// (ModelCardRenderer::document) and then written as Markdown or as plain terminal text, so the README, the GUI
// pane and `deepext-cli show` cannot drift apart.
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
