#include "gui/CardPane.h"

#include "gui/CardWidgets.h"
#include "gui/ElidedLabel.h"
#include "gui/Icons.h"
#include "gui/StatusBadge.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QScrollArea>
#include <QScrollBar>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QUrl>
#include <QVBoxLayout>

namespace deepext::gui {

using carddoc::Block;
using carddoc::Fact;
using carddoc::Inline;
using carddoc::Section;
using carddoc::Span;
using carddoc::SpanKind;

using cardwidgets::blockWidget;
using cardwidgets::breakable;
using cardwidgets::ContentMargin;
using cardwidgets::fromUtf8;
using cardwidgets::Look;
using cardwidgets::makeMuted;
using cardwidgets::mutedColor;
using cardwidgets::newContent;
using cardwidgets::plainOf;
using cardwidgets::sectionTitle;
using cardwidgets::toolButton;
using cardwidgets::wrappingLabel;

CardPane::CardPane(QWidget* parent)
    : QWidget(parent)
    , m_nameLabel(new ElidedLabel({}, Qt::ElideMiddle, this))
    , m_copyNameButton(nullptr)
    , m_header(new QWidget(this))
    , m_summary(new QWidget(this))
    , m_summaryLayout(new QHBoxLayout(m_summary))
    , m_summaryLabel(new QLabel(m_summary))
    , m_scrollArea(new QScrollArea(this))
    , m_opener([](const QString& folder) { QDesktopServices::openUrl(QUrl::fromLocalFile(folder)); })
    , m_placeholderText(tr("Select a model to read its card."))
    , m_copyIcon(Icons::get("copy", QStyle::SP_FileDialogContentsView))
    , m_openIcon(Icons::get("folder-open", QStyle::SP_DirOpenIcon))
{
    setAccessibleName(tr("Model card"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_header->setObjectName(QStringLiteral("cardHeader"));
    auto* header = new QHBoxLayout(m_header);
    header->setContentsMargins(ContentMargin, 8, 6, 0);
    header->setSpacing(4);
    m_nameLabel->setObjectName(QStringLiteral("cardNameLabel"));
    m_nameLabel->setAccessibleName(tr("Name"));
    m_nameLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont title = m_nameLabel->font();
    title.setBold(true);
    title.setPointSizeF(title.pointSizeF() * 1.3);
    m_nameLabel->setFont(title);
    header->addWidget(m_nameLabel, 1);
    m_copyNameButton = toolButton(m_header, m_copyIcon, tr("Copy name"), tr("Copy the name"), "copyNameButton");
    connect(m_copyNameButton, &QToolButton::clicked, this, [this] { copyText(m_name, m_copyNameButton); });
    header->addWidget(m_copyNameButton);
    layout->addWidget(m_header);

    m_summary->setObjectName(QStringLiteral("cardSummary"));
    m_summaryLayout->setContentsMargins(ContentMargin, 2, ContentMargin, 8);
    m_summaryLayout->setSpacing(6);
    m_summaryLabel->setObjectName(QStringLiteral("cardSummaryLabel"));
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextFormat(Qt::PlainText);
    m_summaryLayout->addWidget(m_summaryLabel, 1);
    layout->addWidget(m_summary);

    auto* rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    layout->addWidget(rule);

    m_scrollArea->setObjectName(QStringLiteral("cardScrollArea"));
    m_scrollArea->setWidgetResizable(true);
    m_scrollArea->setFrameShape(QFrame::NoFrame);
    m_scrollArea->setBackgroundRole(QPalette::Base);
    m_scrollArea->setFocusPolicy(Qt::NoFocus);
    layout->addWidget(m_scrollArea, 1);
    rebuild();
}

CardPane::~CardPane() = default;

void CardPane::setFolderOpener(FolderOpener opener)
{
    m_opener = std::move(opener);
}

void CardPane::setPlaceholderText(const QString& text)
{
    m_placeholderText = text;
    if (m_empty) {
        rebuild();
    }
}

void CardPane::showDocument(const carddoc::Document& document)
{
    const bool same = !m_empty && m_problem.isEmpty() && document == m_document;
    if (same) {
        return; // a reload that changed nothing: keep the widgets, the scroll position and any selection
    }
    const bool sameModel = !m_empty && m_name == fromUtf8(document.name);
    m_document = document;
    m_name = fromUtf8(document.name);
    m_problem.clear();
    m_empty = false;
    fillHeader();
    setContent(buildDocument(), sameModel);
}

void CardPane::showProblem(const QString& name, const QString& message)
{
    m_document = {};
    m_name = name;
    m_problem = message;
    m_empty = false;
    fillHeader();
    setContent(buildProblem(), false);
}

void CardPane::clear()
{
    m_document = {};
    m_name.clear();
    m_problem.clear();
    m_empty = true;
    fillHeader();
    setContent(buildPlaceholder(), false);
}

QString CardPane::plainText() const
{
    if (m_empty) {
        return {};
    }
    if (!m_problem.isEmpty()) {
        return m_name + QStringLiteral("\n\n") + m_problem + QLatin1Char('\n');
    }
    return fromUtf8(carddoc::toPlainText(m_document));
}

void CardPane::copyText(const QString& text, QWidget* source)
{
    QApplication::clipboard()->setText(text);
    if (source && source->isVisible()) {
        QToolTip::showText(source->mapToGlobal(QPoint(0, source->height())), tr("Copied"), source);
    }
    emit copied(text);
}

void CardPane::openFolder(const QString& folder)
{
    if (m_opener) {
        m_opener(folder);
    }
}

void CardPane::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    // The muted colours and fonts are taken from the palette and font when the widgets are made.
    if (!m_rebuilding && (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange ||
                          event->type() == QEvent::StyleChange)) {
        QTimer::singleShot(0, this, [this] {
            if (lookKey() != m_builtLook) {
                fillHeader();
                rebuild();
            }
        });
    }
}

void CardPane::contextMenuEvent(QContextMenuEvent* event)
{
    if (m_empty) {
        return;
    }
    QMenu menu(this);
    menu.addAction(tr("Copy &Name"), this, [this] { copyText(m_name, m_nameLabel); });
    menu.addAction(tr("Copy Card as &Text"), this, [this] { copyText(plainText(), nullptr); });
    menu.exec(event->globalPos());
}

void CardPane::rebuild()
{
    if (m_empty) {
        setContent(buildPlaceholder(), false);
    } else if (!m_problem.isEmpty()) {
        setContent(buildProblem(), false);
    } else {
        setContent(buildDocument(), true);
    }
}

QString CardPane::lookKey() const
{
    return palette().color(QPalette::Text).name() + palette().color(QPalette::Base).name() +
           palette().color(QPalette::Window).name() + font().toString();
}

void CardPane::setContent(QWidget* content, bool keepScrollPosition)
{
    m_builtLook = lookKey();
    m_rebuilding = true;
    // The muted text of every label (makeMuted) follows the pane's palette.
    const QColor muted = mutedColor(palette());
    if (palette().color(QPalette::PlaceholderText) != muted) {
        QPalette withMuted = palette();
        withMuted.setColor(QPalette::PlaceholderText, muted);
        setPalette(withMuted);
    }
    const int position = keepScrollPosition ? m_scrollArea->verticalScrollBar()->value() : 0;
    m_scrollArea->setWidget(content); // deletes the previous content
    m_rebuilding = false;
    if (position > 0) {
        // The new content's height is known once its layout has run.
        QPointer<QScrollBar> bar(m_scrollArea->verticalScrollBar());
        QTimer::singleShot(0, this, [bar, position] {
            if (bar) {
                bar->setValue(position);
            }
        });
    }
}

void CardPane::fillHeader()
{
    const bool named = !m_empty && !m_name.isEmpty();
    m_header->setVisible(named);
    m_nameLabel->setFullText(m_name);
    // The summary: status badges first, then "Label value" pairs on one line.
    while (m_summaryLayout->count() > 1) {
        QLayoutItem* item = m_summaryLayout->takeAt(0);
        delete item->widget();
        delete item;
    }
    QStringList parts;
    QStringList tips;
    int badges = 0;
    for (const Fact& fact : m_document.summary) {
        if (fact.value.size() == 1 && fact.value.front().kind == SpanKind::Status) {
            m_summaryLayout->insertWidget(badges++, new StatusBadge(fromUtf8(fact.value.front().text), m_summary));
            continue;
        }
        parts << fromUtf8(fact.label) + QLatin1Char(' ') + plainOf(fact.value, true);
        tips << fromUtf8(fact.label) + QStringLiteral(": ") + plainOf(fact.value);
    }
    m_summaryLabel->setText(breakable(parts.join(QStringLiteral(" · "))));
    m_summaryLabel->setToolTip(tips.join(QLatin1Char('\n')));
    m_summaryLabel->setVisible(!parts.isEmpty());
    makeMuted(m_summaryLabel);
    m_summary->setVisible(!m_empty && m_problem.isEmpty() && !m_document.summary.empty());
}

QWidget* CardPane::buildPlaceholder() const
{
    QWidget* content = newContent();
    QLabel* placeholder = wrappingLabel(content, m_placeholderText);
    placeholder->setObjectName(QStringLiteral("cardPlaceholderLabel"));
    placeholder->setAlignment(Qt::AlignCenter);
    makeMuted(placeholder);
    content->layout()->addWidget(placeholder);
    return content;
}

QWidget* CardPane::buildProblem() const
{
    QWidget* content = newContent();
    QLabel* problem = wrappingLabel(content, breakable(m_problem));
    problem->setObjectName(QStringLiteral("cardProblemLabel"));
    problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    content->layout()->addWidget(problem);
    static_cast<QVBoxLayout*>(content->layout())->addStretch(1);
    return content;
}

QWidget* CardPane::buildDocument()
{
    Look look;
    look.pane = this;
    look.fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    look.fixed.setPointSizeF(font().pointSizeF() * 0.95);
    look.fixedFamily = look.fixed.family();
    look.copy = m_copyIcon;
    look.open = m_openIcon;
    QWidget* content = newContent();
    auto* layout = static_cast<QVBoxLayout*>(content->layout());
    bool firstSection = true;
    for (const Section& section : m_document.sections) {
        // The title section's title is the header's name.
        if (section.level > 1) {
            if (!firstSection) {
                layout->addSpacing(10);
            }
            layout->addWidget(sectionTitle(content, section));
        }
        firstSection = false;
        for (const Block& block : section.blocks) {
            layout->addWidget(blockWidget(content, look, block));
        }
    }
    layout->addStretch(1);
    return content;
}

} // namespace deepext::gui
