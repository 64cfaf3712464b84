#include "gui/UnattendedPrompts.h"

#include "deepext/base/Logging.h"

#include <iostream>

namespace deepext::gui {
namespace {

void print(const char* kind, const QString& message, const QString& details)
{
    std::cerr << kind << ": " << message.toStdString() << '\n';
    if (!details.isEmpty()) {
        std::cerr << details.toStdString() << '\n';
    }
}

} // namespace

void UnattendedPrompts::showError(const QString& message, const QString& details)
{
    ++m_errorCount;
    print("error", message, details);
    logging::ui()->error("{}", message.toStdString());
}

void UnattendedPrompts::showWarning(const QString& message, const QString& details)
{
    print("warning", message, details);
    logging::ui()->warn("{}", message.toStdString());
}

void UnattendedPrompts::showInformation(const QString& title, const QString& message, const QString&)
{
    logging::ui()->info("{}: {}", title.toStdString(), message.toStdString());
}

bool UnattendedPrompts::confirm(const QString& title, const QString&, const QString&, const QString&)
{
    logging::ui()->info("not asked, declined (unattended): {}", title.toStdString());
    return false;
}

int UnattendedPrompts::choose(const QString& title, const QString&, const QStringList&, const QString&)
{
    logging::ui()->info("not asked, nothing chosen (unattended): {}", title.toStdString());
    return -1;
}

int UnattendedPrompts::confirmWithOption(const QString& title, const QString&, const QString&, const QStringList&, int,
                                         const QString&)
{
    logging::ui()->info("not asked, declined (unattended): {}", title.toStdString());
    return -1;
}

QString UnattendedPrompts::askOpenFile(const QString& title, const QString&)
{
    logging::ui()->info("not asked, cancelled (unattended): {}", title.toStdString());
    return {};
}

QString UnattendedPrompts::askDirectory(const QString& title)
{
    logging::ui()->info("not asked, cancelled (unattended): {}", title.toStdString());
    return {};
}

QString UnattendedPrompts::askSaveFile(const QString& title, const QString&, const QString&)
{
    logging::ui()->info("not asked, cancelled (unattended): {}", title.toStdString());
    return {};
}

} // namespace deepext::gui
