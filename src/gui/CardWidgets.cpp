#include "gui/CardWidgets.h"

#include "gui/CardPane.h"
#include "gui/ElidedLabel.h"
#include "gui/SavedModelListModel.h"
#include "gui/StatusBadge.h"

#include <QDateTime>
#include <QFileInfo>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPointer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace deepext::gui::cardwidgets {

using carddoc::Block;
using carddoc::Fact;
using carddoc::Inline;
using carddoc::Section;
using carddoc::Span;
using carddoc::SpanKind;

namespace {

// Long names and paths in running text get a break opportunity at least this often, so a paragraph never demands
// more width than the pane has.
constexpr int LongestUnbrokenRun = 20;
const QChar ZeroWidthSpace(0x200B);

} // namespace

QString fromUtf8(const std::string& text)
{
    return QString::fromStdString(text);
}

QString breakable(const QString& text, bool atSeparators)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    int run = 0;
    for (const QChar c : text) {
        out += c;
        if (c.isSpace()) {
            run = 0;
            continue;
        }
        ++run;
        const bool separator = c == QLatin1Char('_') || c == QLatin1Char('/') || c == QLatin1Char('.') ||
                               c == QLatin1Char('-') || c == QLatin1Char(':');
        if ((atSeparators && separator) || run >= LongestUnbrokenRun) {
            out += ZeroWidthSpace;
            run = 0;
        }
    }
    return out;
}

namespace {

QString spanText(const Span& span)
{
    if (span.kind == SpanKind::Time) {
        return SavedModelListModel::formatCreated(fromUtf8(span.text));
    }
    return fromUtf8(span.text);
}

// The day, for the summary line (its tooltip and the sections give the time).
QString shortTime(const std::string& iso)
{
    const QDateTime time = QDateTime::fromString(fromUtf8(iso), Qt::ISODate);
    return time.isValid() ? QLocale().toString(time.toLocalTime().date(), QLocale::ShortFormat) : fromUtf8(iso);
}

} // namespace

QString plainOf(const Inline& spans, bool shortTimes)
{
    QString out;
    for (const Span& span : spans) {
        out += shortTimes && span.kind == SpanKind::Time ? shortTime(span.text) : spanText(span);
    }
    return out;
}

// Secondary text (labels, the summary, "unknown") two thirds of the way from the background to the text: clearly
// secondary, and still well above a 4.5:1 contrast in a light and a dark palette.
QColor mutedColor(const QPalette& palette)
{
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    const auto mix = [](float from, float to) { return from + (to - from) * 0.68f; };
    return QColor::fromRgbF(mix(base.redF(), text.redF()), mix(base.greenF(), text.greenF()),
                            mix(base.blueF(), text.blueF()));
}

// Muted text uses the pane's PlaceholderText role (set to mutedColor() by the pane): a role, not a palette per
// widget, so a card of a few hundred labels is made quickly.
void makeMuted(QWidget* widget)
{
    widget->setForegroundRole(QPalette::PlaceholderText);
}

QToolButton* toolButton(QWidget* parent, const QIcon& icon, const QString& name, const QString& tip,
                        const char* objectName)
{
    auto* button = new QToolButton(parent);
    button->setObjectName(QLatin1String(objectName));
    button->setIcon(icon);
    button->setIconSize(QSize(16, 16));
    button->setAutoRaise(true);
    button->setAccessibleName(name);
    button->setToolTip(tip);
    button->setCursor(Qt::PointingHandCursor);
    return button;
}

namespace {

QToolButton* copyButton(QWidget* parent, const Look& look, const QString& text, const QString& what)
{
    QToolButton* button = toolButton(parent, look.copy, QObject::tr("Copy %1").arg(what),
                                     QObject::tr("Copy the %1").arg(what), "cardCopyButton");
    QPointer<CardPane> pane(look.pane);
    QObject::connect(button, &QToolButton::clicked, button, [pane, button, text] {
        if (pane) {
            pane->copyText(text, button);
        }
    });
    return button;
}

// A right click on a label that is not selectable offers Copy of its full text.
void offerCopy(QLabel* label, const Look& look, const QString& text)
{
    label->setContextMenuPolicy(Qt::CustomContextMenu);
    QPointer<CardPane> pane(look.pane);
    QObject::connect(label, &QLabel::customContextMenuRequested, label, [pane, label, text](const QPoint& at) {
        QMenu menu(label);
        menu.addAction(QObject::tr("Copy"), label, [pane, label, text] {
            if (pane) {
                pane->copyText(text, label);
            }
        });
        menu.exec(label->mapToGlobal(at));
    });
}

// Text that may be longer than the pane is wide wraps; short text does not, which keeps the layout cheap.
constexpr int ShortText = 28;

} // namespace

QLabel* wrappingLabel(QWidget* parent, const QString& text, Qt::TextFormat format)
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(format);
    label->setWordWrap(format == Qt::RichText || text.size() > ShortText || text.contains(QLatin1Char('\n')));
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return label;
}

namespace {

QLabel* textValue(QWidget* parent, const QString& text)
{
    QLabel* label = wrappingLabel(parent, text);
    label->setObjectName(QStringLiteral("cardValueLabel"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (text == QLatin1String("unknown")) {
        makeMuted(label);
        QFont italic = label->font();
        italic.setItalic(true);
        label->setFont(italic);
    }
    return label;
}

ElidedLabel* codeValue(QWidget* parent, const Look& look, const QString& text)
{
    auto* label = new ElidedLabel(text, Qt::ElideMiddle, parent);
    label->setObjectName(QStringLiteral("cardCodeLabel"));
    label->setFont(look.fixed);
    offerCopy(label, look, text);
    return label;
}

// An absolute path: elided in the middle (full text in the tooltip), Copy, and Open Folder (a file's own folder).
QWidget* pathField(QWidget* parent, const Look& look, const QString& path, bool isFolder)
{
    auto* field = new QWidget(parent);
    field->setObjectName(QStringLiteral("cardPathField"));
    auto* layout = new QHBoxLayout(field);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* label = new ElidedLabel(path, Qt::ElideMiddle, field);
    label->setObjectName(QStringLiteral("cardPathLabel"));
    label->setFont(look.fixed);
    offerCopy(label, look, path);
    layout->addWidget(label, 1);
    layout->addWidget(copyButton(field, look, path, QObject::tr("path")));
    const QString folder = isFolder ? path : QFileInfo(path).path();
    QToolButton* open = toolButton(field, look.open, QObject::tr("Open folder"),
                                   QObject::tr("Open %1 in the file manager").arg(folder), "cardOpenFolderButton");
    QPointer<CardPane> pane(look.pane);
    QObject::connect(open, &QToolButton::clicked, open, [pane, folder] {
        if (pane) {
            pane->openFolder(folder);
        }
    });
    layout->addWidget(open);
    return field;
}

// A hash: monospace, selectable and scrollable within its own line, with Copy.
QWidget* hashField(QWidget* parent, const Look& look, const QString& hash)
{
    auto* field = new QWidget(parent);
    field->setObjectName(QStringLiteral("cardHashField"));
    auto* layout = new QHBoxLayout(field);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* edit = new QLineEdit(hash, field);
    edit->setObjectName(QStringLiteral("cardHashEdit"));
    edit->setReadOnly(true);
    edit->setFrame(false);
    edit->setFont(look.fixed);
    edit->setCursorPosition(0);
    edit->setAccessibleName(QObject::tr("SHA-256"));
    edit->setToolTip(hash);
    // Frameless on the card's own Base colour: it reads as text, selects as text.
    // As wide as the hash when there is room, a few characters when there is not.
    edit->setMinimumWidth(QFontMetrics(look.fixed).averageCharWidth() * 8);
    edit->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    layout->addWidget(edit, 1);
    layout->addWidget(copyButton(field, look, hash, QObject::tr("SHA-256")));
    return field;
}

QWidget* badgeField(QWidget* parent, const QString& status)
{
    auto* field = new QWidget(parent);
    auto* layout = new QHBoxLayout(field);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new StatusBadge(status, field));
    layout->addStretch(1);
    return field;
}

// Several spans in one value or line: rich text, code in the fixed font, with break opportunities.
QLabel* richLine(QWidget* parent, const Look& look, const Inline& spans)
{
    QString html;
    for (const Span& span : spans) {
        const QString text = breakable(spanText(span), carddoc::isCode(span.kind)).toHtmlEscaped();
        if (carddoc::isCode(span.kind)) {
            html += QStringLiteral("<span style=\"font-family:'%1'\">%2</span>").arg(look.fixedFamily, text);
        } else if (span.kind == SpanKind::Status) {
            html += QStringLiteral("<b>%1</b>").arg(text);
        } else {
            html += text;
        }
    }
    QLabel* label = wrappingLabel(parent, html, Qt::RichText);
    label->setObjectName(QStringLiteral("cardTextLabel"));
    return label;
}

QWidget* valueWidget(QWidget* parent, const Look& look, const Inline& value)
{
    if (value.size() != 1) {
        return richLine(parent, look, value);
    }
    const Span& span = value.front();
    const QString text = fromUtf8(span.text);
    switch (span.kind) {
    case SpanKind::Text:
        return textValue(parent, text);
    case SpanKind::Code:
        return codeValue(parent, look, text);
    case SpanKind::Folder:
        return pathField(parent, look, text, true);
    case SpanKind::File:
        return pathField(parent, look, text, false);
    case SpanKind::Hash:
        return hashField(parent, look, text);
    case SpanKind::Status:
        return badgeField(parent, text);
    case SpanKind::Time: {
        QLabel* label = textValue(parent, spanText(span));
        label->setToolTip(text);
        return label;
    }
    }
    return textValue(parent, text);
}

QWidget* factsBlock(QWidget* parent, const Look& look, const std::vector<Fact>& facts)
{
    auto* block = new QWidget(parent);
    block->setObjectName(QStringLiteral("cardFacts"));
    auto* grid = new QGridLayout(block);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(3);
    int row = 0;
    for (const Fact& fact : facts) {
        QLabel* key = wrappingLabel(block, fromUtf8(fact.label));
        key->setObjectName(QStringLiteral("cardKeyLabel"));
        makeMuted(key);
        QWidget* value = valueWidget(block, look, fact.value);
        // A one-line field with buttons (a path, a hash) is taller than a line of text: its label sits at its middle.
        const bool field = value->objectName() == QLatin1String("cardPathField") ||
                           value->objectName() == QLatin1String("cardHashField");
        grid->addWidget(key, row, 0, field ? Qt::AlignVCenter : Qt::AlignTop);
        grid->addWidget(value, row, 1, Qt::AlignTop);
        ++row;
    }
    grid->setColumnStretch(1, 1);
    return block;
}

// Figures (results, the loss curve, scaling groups): a grid under a header row.
QWidget* gridBlock(QWidget* parent, const Look& look, const Block& table)
{
    auto* block = new QWidget(parent);
    block->setObjectName(QStringLiteral("cardTable"));
    auto* grid = new QGridLayout(block);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(14);
    grid->setVerticalSpacing(2);
    for (std::size_t c = 0; c < table.header.size(); ++c) {
        QLabel* head = wrappingLabel(block, fromUtf8(table.header[c]));
        head->setObjectName(QStringLiteral("cardColumnLabel"));
        QFont bold = head->font();
        bold.setBold(true);
        head->setFont(bold);
        makeMuted(head);
        grid->addWidget(head, 0, static_cast<int>(c), Qt::AlignTop);
    }
    int row = 1;
    for (const auto& cells : table.rows) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            grid->addWidget(valueWidget(block, look, cells[c]), row, static_cast<int>(c), Qt::AlignTop);
        }
        ++row;
    }
    grid->setColumnStretch(static_cast<int>(table.header.size()) - 1, 1);
    return block;
}

// Files and deployments: one entry per row. The first cell leads, with its status badges; the short cells follow on
// the same line when there is one, on a line of their own when there are more; hashes get a line each, with Copy
// (an entry without one has Copy on its lead: the name in Ollama).
QWidget* itemsBlock(QWidget* parent, const Look& look, const Block& table)
{
    auto* block = new QWidget(parent);
    block->setObjectName(QStringLiteral("cardItems"));
    auto* list = new QVBoxLayout(block);
    list->setContentsMargins(0, 0, 0, 0);
    list->setSpacing(0);
    bool first = true;
    for (const auto& cells : table.rows) {
        if (!first) {
            auto* rule = new QFrame(block);
            rule->setFrameShape(QFrame::HLine);
            rule->setFrameShadow(QFrame::Plain);
            makeMuted(rule);
            rule->setMaximumHeight(1);
            list->addSpacing(4);
            list->addWidget(rule);
            list->addSpacing(4);
        }
        first = false;
        auto* entry = new QWidget(block);
        entry->setObjectName(QStringLiteral("cardItem"));
        auto* lines = new QVBoxLayout(entry);
        lines->setContentsMargins(0, 0, 0, 0);
        lines->setSpacing(2);
        auto* lead = new QHBoxLayout;
        lead->setSpacing(6);
        QWidget* main = nullptr;
        QString mainHeader;
        QStringList details;
        std::vector<QString> hashes;
        int badges = 0;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const Inline& cell = cells[c];
            const QString header = c < table.header.size() ? fromUtf8(table.header[c]) : QString();
            if (cell.size() == 1 && cell.front().kind == SpanKind::Status) {
                lead->insertWidget(badges++, new StatusBadge(fromUtf8(cell.front().text), entry));
            } else if (cell.size() == 1 && cell.front().kind == SpanKind::Hash) {
                hashes.push_back(fromUtf8(cell.front().text));
            } else if (c == 0) {
                main = valueWidget(entry, look, cell);
                mainHeader = header;
            } else {
                details << header + QStringLiteral(": ") + plainOf(cell);
            }
        }
        if (main) {
            if (auto* code = qobject_cast<ElidedLabel*>(main)) {
                QFont bold = code->font();
                bold.setBold(true);
                code->setFont(bold);
            }
            lead->addWidget(main, 1);
        }
        QLabel* detail = nullptr;
        if (!details.isEmpty()) {
            detail = wrappingLabel(entry, breakable(details.join(QStringLiteral("  ·  "))));
            detail->setObjectName(QStringLiteral("cardItemDetails"));
            makeMuted(detail);
        }
        if (detail && details.size() == 1) {
            detail->setWordWrap(false);
            lead->addWidget(detail);
        }
        if (auto* code = qobject_cast<ElidedLabel*>(main); code && hashes.empty()) {
            lead->addWidget(copyButton(entry, look, code->fullText(), mainHeader.toLower()));
        }
        lines->addLayout(lead);
        if (detail && details.size() > 1) {
            lines->addWidget(detail);
        }
        for (const QString& hash : hashes) {
            lines->addWidget(hashField(entry, look, hash));
        }
        list->addWidget(entry);
    }
    return block;
}

QWidget* verbatimBlock(QWidget* parent, const Look& look, const std::string& text)
{
    auto* frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("cardVerbatim"));
    frame->setBackgroundRole(QPalette::AlternateBase);
    frame->setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(frame);
    layout->setContentsMargins(8, 6, 4, 6);
    QString shown = fromUtf8(text);
    while (shown.endsWith(QLatin1Char('\n'))) {
        shown.chop(1);
    }
    QLabel* label = wrappingLabel(frame, breakable(shown));
    label->setObjectName(QStringLiteral("cardVerbatimLabel"));
    label->setFont(look.fixed);
    layout->addWidget(label, 1);
    layout->addWidget(copyButton(frame, look, fromUtf8(text), QObject::tr("text")), 0, Qt::AlignTop);
    return frame;
}

} // namespace

QWidget* blockWidget(QWidget* parent, const Look& look, const Block& block)
{
    switch (block.kind) {
    case Block::Kind::Paragraph: {
        auto* paragraph = new QWidget(parent);
        auto* lines = new QVBoxLayout(paragraph);
        lines->setContentsMargins(0, 0, 0, 0);
        lines->setSpacing(2);
        for (const Inline& line : block.lines) {
            lines->addWidget(richLine(paragraph, look, line));
        }
        return paragraph;
    }
    case Block::Kind::Bullets: {
        auto* bullets = new QWidget(parent);
        auto* items = new QVBoxLayout(bullets);
        items->setContentsMargins(8, 0, 0, 0);
        items->setSpacing(2);
        for (const Inline& item : block.lines) {
            Inline withBullet = item;
            withBullet.insert(withBullet.begin(), Span{"\u2022 ", SpanKind::Text});
            items->addWidget(richLine(bullets, look, withBullet));
        }
        return bullets;
    }
    case Block::Kind::Facts:
        return factsBlock(parent, look, block.facts);
    case Block::Kind::Table:
        return block.itemized ? itemsBlock(parent, look, block) : gridBlock(parent, look, block);
    case Block::Kind::Verbatim:
        return verbatimBlock(parent, look, block.verbatim);
    }
    return new QWidget(parent);
}

QLabel* sectionTitle(QWidget* parent, const Section& section)
{
    QLabel* title = wrappingLabel(parent, breakable(fromUtf8(section.title), true));
    title->setObjectName(QStringLiteral("cardSectionTitle"));
    QFont font = title->font();
    font.setBold(true);
    if (section.level <= 2) {
        font.setPointSizeF(font.pointSizeF() * 1.15);
    }
    title->setFont(font);
    return title;
}

QWidget* newContent()
{
    auto* content = new QWidget;
    content->setObjectName(QStringLiteral("cardContent"));
    content->setBackgroundRole(QPalette::Base);
    content->setAutoFillBackground(true);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(ContentMargin, ContentMargin, ContentMargin, ContentMargin);
    layout->setSpacing(6);
    return content;
}

} // namespace deepext::gui::cardwidgets
