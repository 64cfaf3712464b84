#include "gui/CardPane.h"

#include "gui/ElidedLabel.h"
#include "gui/Icons.h"
#include "gui/SavedModelListModel.h"
#include "gui/StatusBadge.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPointer>
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

namespace {

constexpr int ContentMargin = 12;
// Long names and paths in running text get a break opportunity at least this often, so a paragraph never demands
// more width than the pane has.
constexpr int LongestUnbrokenRun = 20;
const QChar ZeroWidthSpace(0x200B);

QString fromUtf8(const std::string& text)
{
    return QString::fromStdString(text);
}

// Break opportunities (zero-width spaces) inside long runs without a space and, for names and paths, after their
// separators. For text that is shown, never copied: copies take the text from the document.
QString breakable(const QString& text, bool atSeparators = false)
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

QString plainOf(const Inline& spans, bool shortTimes = false)
{
    QString out;
    for (const Span& span : spans) {
        out += shortTimes && span.kind == SpanKind::Time ? shortTime(span.text) : spanText(span);
    }
    return out;
}

// What every widget of one rendering shares: the pane (for Copy and Open), its fonts and its icons.
struct Look
{
    CardPane* pane = nullptr;
    QFont fixed;
    QString fixedFamily;
    QIcon copy;
    QIcon open;
};

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

QLabel* wrappingLabel(QWidget* parent, const QString& text, Qt::TextFormat format = Qt::PlainText)
{
    auto* label = new QLabel(text, parent);
    label->setTextFormat(format);
    label->setWordWrap(format == Qt::RichText || text.size() > ShortText || text.contains(QLatin1Char('\n')));
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return label;
}

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

} // namespace

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
