#pragma once

#include <QString>

class QTextBrowser;

namespace deepext::gui {

// Puts Markdown into a card pane fast. QTextEdit::setMarkdown on a shown editor re-lays out the document after every
// block it inserts: a 6 kB card took ~100 ms on the GUI thread. Parsing into a fresh QTextDocument that no layout
// watches and then swapping it in takes ~7 ms for the same card (bench/gui).
class MarkdownPane
{
public:
    static void show(QTextBrowser* browser, const QString& markdown);
};

} // namespace deepext::gui
