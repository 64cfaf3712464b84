#include "GuiTestApplication.h"

#include "HandlerStallMeter.h"

#include <QAbstractEventDispatcher>

namespace deepext::test_support {

GuiTestApplication::GuiTestApplication(int& argc, char** argv)
    : QApplication(argc, argv)
    , m_guiThread(std::this_thread::get_id())
{
    HandlerStallMeter::setObserved();
    // Direct calls on the GUI thread: the dispatcher emits these from inside processEvents, and a queued call would
    // arrive only after the events they bracket.
    QAbstractEventDispatcher* dispatcher = QAbstractEventDispatcher::instance();
    connect(
        dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, [] { HandlerStallMeter::eventLoopTakesOver(true); },
        Qt::DirectConnection);
    connect(
        dispatcher, &QAbstractEventDispatcher::awake, this, [] { HandlerStallMeter::eventLoopTakesOver(false); },
        Qt::DirectConnection);
}

bool GuiTestApplication::notify(QObject* receiver, QEvent* event)
{
    // Other threads' event loops (workers with their own) are not the window's.
    if (std::this_thread::get_id() != m_guiThread) {
        return QApplication::notify(receiver, event);
    }
    HandlerStallMeter::handlerStarts(receiver, event);
    // Ends the handler however it leaves (an exception thrown through an event handler is still an end).
    struct Ends
    {
        ~Ends() { HandlerStallMeter::handlerEnds(); }
    } ends;
    return QApplication::notify(receiver, event);
}

} // namespace deepext::test_support
