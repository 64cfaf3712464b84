#pragma once

#include "deepext/card/CardDocument.h"

#include <QColor>
#include <QFont>
#include <QIcon>
#include <QPalette>
#include <QString>

#include <string>

class QLabel;
class QToolButton;
class QWidget;

namespace deepext::gui {

class CardPane;

// The widgets a CardPane is made of, one card document block at a time: facts as two-column rows, figures as
// grids, files and deployments as entries, paths and hashes with Copy and Open Folder, statuses as badges. Apart
// from CardPane so that the pane keeps to its own state (header, scrolling, palette, the current document).
namespace cardwidgets {

constexpr int ContentMargin = 12;

// What every widget of one rendering shares: the pane (for Copy and Open), its fonts and its icons.
struct Look
{
    CardPane* pane = nullptr;
    QFont fixed;
    QString fixedFamily;
    QIcon copy;
    QIcon open;
};

QString fromUtf8(const std::string& text);
// Break opportunities (zero-width spaces) inside long runs without a space and, for names and paths, after their
// separators. For text that is shown, never copied: copies take the text from the document.
QString breakable(const QString& text, bool atSeparators = false);
// The spans as plain text; times as the list shows them, or as the day alone with `shortTimes`.
QString plainOf(const carddoc::Inline& spans, bool shortTimes = false);
// Secondary text's colour, and a widget that shows secondary text.
QColor mutedColor(const QPalette& palette);
void makeMuted(QWidget* widget);
QToolButton* toolButton(QWidget* parent, const QIcon& icon, const QString& name, const QString& tip,
                        const char* objectName);
QLabel* wrappingLabel(QWidget* parent, const QString& text, Qt::TextFormat format = Qt::PlainText);
// The scrolled content's top widget, with the pane's margins.
QWidget* newContent();
QLabel* sectionTitle(QWidget* parent, const carddoc::Section& section);
QWidget* blockWidget(QWidget* parent, const Look& look, const carddoc::Block& block);

} // namespace cardwidgets
} // namespace deepext::gui
