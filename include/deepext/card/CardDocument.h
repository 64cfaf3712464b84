#pragma once

#include <string>
#include <vector>

// The structured card: what a model's (or a deployment's) facts look like once laid out (CardSections), before they
// are written for someone. toMarkdown() writes README.md bodies, toPlainText() the CLI's `show`, `base show` and
// `trained show`; the window's card pane builds its widgets from the same structure. Each front end decides how a
// kind of text looks (a path elided with Open and Copy, a hash monospace with Copy, a status as a coloured badge),
// so the renderings cannot drift apart in content.
namespace deepext::carddoc {

// What a piece of text is. Markdown writes Code, Folder, File and Hash as code spans and the others as text; plain
// text writes them all as they are.
enum class SpanKind
{
    Text,
    Code,   // a name, an identifier, a relative path
    Folder, // an absolute folder on this machine
    File,   // an absolute file on this machine
    Hash,   // a SHA-256 or digest
    Status, // a deployment status: deploying, deployed, failed, cancelled, removed, interrupted
    Time,   // ISO 8601 UTC as recorded
};

// True for the kinds Markdown writes as code spans.
bool isCode(SpanKind kind);

struct Span
{
    std::string text;
    SpanKind kind = SpanKind::Text;
    bool operator==(const Span&) const = default;
};
using Inline = std::vector<Span>;

// One "label: value" row.
struct Fact
{
    std::string label;
    Inline value;
    bool operator==(const Fact&) const = default;
};

struct Block
{
    enum class Kind
    {
        Paragraph, // one line per entry of `lines`
        Bullets,   // one item per entry of `lines`
        Facts,     // `facts` (Markdown: a "Fact | Value" table; text: aligned "label: value" lines)
        Table,     // `header` + `rows`
        Verbatim,  // `verbatim` as written, line breaks kept (a fenced block in Markdown, indented in text)
    };
    Kind kind = Kind::Paragraph;
    std::vector<Inline> lines;
    std::vector<Fact> facts;
    std::vector<std::string> header;
    std::vector<std::vector<Inline>> rows;
    // A table whose rows are things (files, deployments) rather than figures: the window shows each row as an
    // entry of its own instead of grid cells. The text renderings ignore it.
    bool itemized = false;
    std::string verbatim;
    bool operator==(const Block&) const = default;
};

struct Section
{
    int level = 2; // 1: title, 2: section, 3: subsection
    std::string title;
    std::vector<Block> blocks;
    bool operator==(const Section&) const = default;
};

struct Document
{
    // The model (or deployment) the document is about, as the workspace names it: the window's header and its Copy
    // Name. Empty when unknown.
    std::string name;
    // A few facts at a glance (base, adapter, rank, dtype, size, created — what applies): the window's summary line.
    // The sections state every one of them too, so the text renderings leave the summary out.
    std::vector<Fact> summary;
    std::vector<Section> sections;
    bool operator==(const Document&) const = default;
};

std::string toMarkdown(const Document& document);
std::string toPlainText(const Document& document);

} // namespace deepext::carddoc
