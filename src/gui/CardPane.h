#pragma once

#include "deepext/card/CardDocument.h"

#include <QIcon>
#include <QString>
#include <QWidget>

#include <functional>

class QBoxLayout;
class QLabel;
class QScrollArea;
class QToolButton;
class QWidget;

namespace deepext::gui {

class ElidedLabel;

// The detail pane of every page: a structured card (a saved model's model card, a registered base or trained model,
// a deployment record) shown as widgets. A header with the name and a Copy button, a one-line summary, then each
// section as two-column facts (no table headers), figures as small grids, files and deployments as entries of their
// own. Paths are elided in the middle (full text in the tooltip) with Copy and Open Folder; hashes are monospace,
// selectable, with Copy; statuses are coloured badges. Nothing in it is wider than a few characters, so the pane
// never needs a horizontal scroll bar. Colours come from the palette (a dark one included) and follow its changes.
class CardPane final : public QWidget
{
    Q_OBJECT
    Q_PROPERTY(QString placeholderText READ placeholderText WRITE setPlaceholderText)

public:
    // Opens a folder for the user (the file manager). Tests install one that records instead.
    using FolderOpener = std::function<void(const QString& folder)>;

    explicit CardPane(QWidget* parent = nullptr);
    ~CardPane() override;

    // Replaces the default opener (QDesktopServices).
    void setFolderOpener(FolderOpener opener);
    void setPlaceholderText(const QString& text);
    QString placeholderText() const { return m_placeholderText; }

    void showDocument(const carddoc::Document& document);
    // What to show when the card cannot be read: the name (with Copy) and why.
    void showProblem(const QString& name, const QString& message);
    // Back to the placeholder.
    void clear();

    bool isEmpty() const { return m_empty; }
    QString name() const { return m_name; }
    const carddoc::Document& document() const { return m_document; }
    // The card as `deepext-cli show` lays it out (Copy Card as Text), or the problem shown.
    QString plainText() const;
    QScrollArea* scrollArea() const { return m_scrollArea; }

    // Puts `text` on the clipboard and says so next to `source`.
    void copyText(const QString& text, QWidget* source);
    void openFolder(const QString& folder);

signals:
    void copied(const QString& text);

protected:
    void changeEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void rebuild();
    void setContent(QWidget* content, bool keepScrollPosition);
    QWidget* buildPlaceholder() const;
    QWidget* buildProblem() const;
    QWidget* buildDocument();
    void fillHeader();
    // What the widgets' colours and fonts were taken from.
    QString lookKey() const;

    ElidedLabel* m_nameLabel;
    QToolButton* m_copyNameButton;
    QWidget* m_header;
    QWidget* m_summary;
    QBoxLayout* m_summaryLayout;
    QLabel* m_summaryLabel;
    QScrollArea* m_scrollArea;
    FolderOpener m_opener;
    QString m_placeholderText;
    QIcon m_copyIcon;
    QIcon m_openIcon;
    carddoc::Document m_document;
    QString m_name;
    QString m_problem;
    bool m_empty = true;
    QString m_builtLook;
    bool m_rebuilding = false;
};

} // namespace deepext::gui
