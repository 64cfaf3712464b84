#include "gui/MarkdownPane.h"

#include <QTextBrowser>
#include <QTextDocument>

namespace deepext::gui {

void MarkdownPane::show(QTextBrowser* browser, const QString& markdown)
{
    QTextDocument* previous = browser->document();
    auto* document = new QTextDocument(browser);
    // What the editor would have given its own document.
    document->setDefaultFont(browser->font());
    document->setDefaultStyleSheet(previous->defaultStyleSheet());
    document->setDocumentMargin(previous->documentMargin());
    document->setDefaultTextOption(previous->defaultTextOption());
    document->setMarkdown(markdown);
    // The editor's first document belongs to its text control, which deletes it in setDocument(); the ones made
    // here belong to the browser and are deleted when replaced.
    const bool ours = previous->parent() == browser;
    browser->setDocument(document);
    if (ours) {
        delete previous;
    }
}

} // namespace deepext::gui
