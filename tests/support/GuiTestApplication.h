#pragma once

#include <QApplication>

#include <thread>

namespace deepext::test_support {

// The GUI test binary's application: reports every event handler the GUI thread runs, and every turn of its event
// loops, to HandlerStallMeter. On Qt 6's glib and unix dispatchers every event reaches its receiver through
// QCoreApplication::notify: timers (QTimerInfoList::activateTimers), socket notifiers, posted events and so queued
// slots and deleteLater (sendPostedEvents), and the window system's input, expose and paint events; the handler tests
// (tests/gui/HandlerStallMeterTest.cpp) check the kinds the window's work arrives by.
class GuiTestApplication : public QApplication
{
public:
    GuiTestApplication(int& argc, char** argv);

    bool notify(QObject* receiver, QEvent* event) override;

private:
    std::thread::id m_guiThread;
};

} // namespace deepext::test_support
