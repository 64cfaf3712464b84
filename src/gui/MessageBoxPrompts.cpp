#include "gui/MessageBoxPrompts.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace deepext::gui {
namespace {

int showBox(QMessageBox::Icon icon, const QString& title, const QString& message, const QString& details)
{
    QMessageBox box(icon, title, message, QMessageBox::Ok, QApplication::activeWindow());
    // Details (a server's own text) stay folded away until asked for.
    if (!details.isEmpty()) {
        box.setDetailedText(details);
    }
    return box.exec();
}

} // namespace

void MessageBoxPrompts::showError(const QString& message, const QString& details)
{
    showBox(QMessageBox::Critical, QApplication::translate("MessageBoxPrompts", "DeepExtension"), message, details);
}

void MessageBoxPrompts::showWarning(const QString& message, const QString& details)
{
    showBox(QMessageBox::Warning, QApplication::translate("MessageBoxPrompts", "DeepExtension"), message, details);
}

void MessageBoxPrompts::showInformation(const QString& title, const QString& message, const QString& details)
{
    showBox(QMessageBox::Information, title, message, details);
}

bool MessageBoxPrompts::confirm(const QString& title, const QString& question, const QString& details,
                                const QString& acceptText)
{
    QMessageBox box(QMessageBox::Question, title, question, QMessageBox::NoButton, QApplication::activeWindow());
    QPushButton* accept =
        acceptText.isEmpty() ? box.addButton(QMessageBox::Ok) : box.addButton(acceptText, QMessageBox::AcceptRole);
    QPushButton* reject = box.addButton(QMessageBox::Cancel);
    // A destructive question defaults to the safe answer.
    box.setDefaultButton(reject);
    if (!details.isEmpty()) {
        box.setDetailedText(details);
    }
    box.exec();
    return box.clickedButton() == accept;
}

int MessageBoxPrompts::choose(const QString& title, const QString& question, const QStringList& choices,
                              const QString& details)
{
    QMessageBox box(QMessageBox::Question, title, question, QMessageBox::NoButton, QApplication::activeWindow());
    QList<QPushButton*> buttons;
    for (const QString& choice : choices) {
        buttons << box.addButton(choice, QMessageBox::ActionRole);
    }
    if (!buttons.isEmpty()) {
        box.setDefaultButton(buttons.front());
    }
    if (!details.isEmpty()) {
        box.setDetailedText(details);
    }
    box.exec();
    return static_cast<int>(buttons.indexOf(qobject_cast<QPushButton*>(box.clickedButton())));
}

int MessageBoxPrompts::confirmWithOption(const QString& title, const QString& question, const QString& optionLabel,
                                         const QStringList& options, int current, const QString& acceptText)
{
    QDialog dialog(QApplication::activeWindow());
    dialog.setWindowTitle(title);
    auto* layout = new QVBoxLayout(&dialog);
    auto* text = new QLabel(question, &dialog);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(text);
    auto* form = new QFormLayout;
    auto* combo = new QComboBox(&dialog);
    combo->addItems(options);
    combo->setCurrentIndex(current);
    form->addRow(optionLabel, combo);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, &dialog);
    QPushButton* accept = acceptText.isEmpty() ? buttons->addButton(QDialogButtonBox::Ok)
                                               : buttons->addButton(acceptText, QDialogButtonBox::AcceptRole);
    accept->setDefault(true);
    QObject::connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    return dialog.exec() == QDialog::Accepted ? combo->currentIndex() : -1;
}

QString MessageBoxPrompts::askOpenFile(const QString& title, const QString& filter)
{
    return QFileDialog::getOpenFileName(QApplication::activeWindow(), title, QString(), filter);
}

QString MessageBoxPrompts::askDirectory(const QString& title)
{
    return QFileDialog::getExistingDirectory(QApplication::activeWindow(), title);
}

QString MessageBoxPrompts::askSaveFile(const QString& title, const QString& suggestedPath, const QString& filter)
{
    return QFileDialog::getSaveFileName(QApplication::activeWindow(), title, suggestedPath, filter);
}

} // namespace deepext::gui
