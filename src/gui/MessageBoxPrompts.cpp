#include "gui/MessageBoxPrompts.h"

#include <QApplication>
#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

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
