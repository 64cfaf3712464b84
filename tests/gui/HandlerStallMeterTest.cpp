// The meter the window's responsiveness is bounded with (tests/support/HandlerStallMeter.h): it sees a handler that
// blocks the GUI thread, whichever way its event arrived, and does not count a thread that idles while the machine is
// busy, nor one that waits in an event loop nested in a handler.
#include "HandlerStallMeter.h"

#include "CannedServer.h"
#include "EventLoopWait.h"

#include <QCoreApplication>
#include <QEvent>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>
#include <vector>

using deepext::test_support::HandlerStallMeter;

namespace {

constexpr int BlockMs = 300;

void block()
{
    QThread::msleep(BlockMs);
}

// Lets the event loop run for `ms` (a real QEventLoop, from the test body: outside any handler).
void runEventLoop(int ms)
{
    deepext::test_support::waitFor([] { return false; }, ms);
}

// The block was seen as one stretch in a handler of `kind`.
void expectSeen(const HandlerStallMeter& meter, const char* kind)
{
    std::cout << meter.summary() << '\n';
    EXPECT_GE(meter.longestMs(), BlockMs - 50);
    EXPECT_GE(meter.longestWallClockMs(), meter.longestMs());
    EXPECT_TRUE(meter.longestHandler().contains(QLatin1String(kind))) << meter.longestHandler().toStdString();
}

// An object whose event handler blocks.
class Blocking : public QObject
{
public:
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::User) {
            block();
            return true;
        }
        return QObject::event(event);
    }
};

} // namespace

TEST(HandlerStallMeter, SeesABlockingTimerHandler)
{
    HandlerStallMeter meter;
    QObject context;
    QTimer::singleShot(50, &context, [] { block(); });
    runEventLoop(BlockMs + 200);
    expectSeen(meter, "handling Timer");
}

TEST(HandlerStallMeter, SeesABlockingQueuedSlot)
{
    HandlerStallMeter meter;
    QObject sender;
    QObject receiver;
    QObject::connect(
        &sender, &QObject::objectNameChanged, &receiver, [] { block(); }, Qt::QueuedConnection);
    sender.setObjectName(QStringLiteral("sender"));
    runEventLoop(BlockMs + 200);
    expectSeen(meter, "handling MetaCall");
}

TEST(HandlerStallMeter, SeesABlockingSlotQueuedFromAWorkerThread)
{
    // How a worker's result reaches the window (JobRunner).
    HandlerStallMeter meter;
    QObject receiver;
    std::thread worker([&receiver] {
        QMetaObject::invokeMethod(
            &receiver, [] { block(); }, Qt::QueuedConnection);
    });
    worker.join();
    runEventLoop(BlockMs + 200);
    expectSeen(meter, "handling MetaCall");
}

TEST(HandlerStallMeter, SeesABlockingReadyReadOfASocket)
{
    QTcpServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost));
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&server] {
        QTcpSocket* accepted = server.nextPendingConnection();
        accepted->setParent(&server);
        accepted->write("x");
    });
    QTcpSocket client;
    bool read = false;
    QObject::connect(&client, &QTcpSocket::readyRead, &client, [&] {
        client.readAll();
        read = true;
        block();
    });
    HandlerStallMeter meter;
    client.connectToHost(QHostAddress::LocalHost, server.serverPort());
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return read; }, 10000));
    runEventLoop(100);
    // The readyRead is emitted from the socket notifier's event, sent straight from the dispatcher's poll.
    expectSeen(meter, "handling SockAct");
}

TEST(HandlerStallMeter, SeesABlockingNetworkReplyHandler)
{
    deepext::test::CannedServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    QNetworkAccessManager network;
    HandlerStallMeter meter;
    QNetworkReply* reply = network.get(QNetworkRequest(server.url()));
    bool finished = false;
    QObject::connect(reply, &QNetworkReply::finished, reply, [&] {
        finished = true;
        block();
    });
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return finished; }, 10000));
    runEventLoop(100);
    EXPECT_EQ(reply->error(), QNetworkReply::NoError) << reply->errorString().toStdString();
    // The reply's signals come from the HTTP thread as queued calls.
    expectSeen(meter, "handling MetaCall");
    delete reply;
}

TEST(HandlerStallMeter, SeesABlockingClickHandler)
{
    QPushButton button(QStringLiteral("Block"));
    button.show();
    QObject::connect(&button, &QPushButton::clicked, &button, [] { block(); });
    HandlerStallMeter meter;
    QTest::mouseClick(&button, Qt::LeftButton);
    expectSeen(meter, "QPushButton handling MouseButtonRelease");
}

TEST(HandlerStallMeter, CountsAHandlersNestedSendEventAsPartOfIt)
{
    // Half the block in the handler, half in an event it sends: one stretch of the whole.
    HandlerStallMeter meter;
    Blocking blocking;
    QObject context;
    QTimer::singleShot(50, &context, [&] {
        QThread::msleep(BlockMs / 2);
        QEvent event(QEvent::User);
        QCoreApplication::sendEvent(&blocking, &event);
    });
    runEventLoop(BlockMs + BlockMs / 2 + 200);
    expectSeen(meter, "handling Timer");
    EXPECT_GE(meter.longestMs(), BlockMs + BlockMs / 2 - 50);
}

TEST(HandlerStallMeter, DoesNotCountAnIdleEventLoopNestedInAHandler)
{
    HandlerStallMeter meter;
    QObject context;
    bool nestedDone = false;
    QTimer::singleShot(0, &context, [&] {
        QEventLoop loop;
        QTimer::singleShot(500, &loop, &QEventLoop::quit);
        loop.exec();
        nestedDone = true;
    });
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return nestedDone; }, 10000));
    std::cout << meter.summary() << '\n';
    EXPECT_LT(meter.longestMs(), 100) << meter.longestHandler().toStdString();
}

TEST(HandlerStallMeter, SeesBlockingHandlersInAndAfterANestedEventLoop)
{
    // A handler the nested loop runs blocks: that handler's stretch, not the loop's idle time around it.
    HandlerStallMeter meter;
    QObject context;
    bool nestedDone = false;
    QTimer::singleShot(0, &context, [&] {
        QEventLoop loop;
        QObject inner;
        QTimer::singleShot(200, &inner, [] { block(); });
        QTimer::singleShot(BlockMs + 400, &loop, &QEventLoop::quit);
        loop.exec();
        nestedDone = true;
    });
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return nestedDone; }, 10000));
    expectSeen(meter, "handling Timer");
    EXPECT_LT(meter.longestMs(), BlockMs + 150);

    // The handler's own code after its nested loop blocks.
    meter.reset();
    nestedDone = false;
    QTimer::singleShot(0, &context, [&] {
        QEventLoop loop;
        QTimer::singleShot(400, &loop, &QEventLoop::quit);
        loop.exec();
        block();
        nestedDone = true;
    });
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return nestedDone; }, 10000));
    expectSeen(meter, "code after an event loop nested in ");
    EXPECT_LT(meter.longestMs(), BlockMs + 150);
}

TEST(HandlerStallMeter, DoesNotCountAnIdleGuiThreadOnABusyMachine)
{
    // Threads burning every CPU (at least two) for a second while the GUI thread idles in its event loop, turning a
    // 1 ms timer: it waits for CPUs and wakes late, which the timer gap shows and the handlers' stretches do not.
    HandlerStallMeter meter;
    QTimer ticks;
    ticks.start(1);
    std::atomic_bool stop{false};
    std::vector<std::thread> burners;
    const unsigned count = std::max(2u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < count; ++i) {
        burners.emplace_back([&stop] {
            volatile unsigned long long spins = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                spins = spins + 1;
            }
        });
    }
    runEventLoop(1000);
    stop = true;
    for (std::thread& burner : burners) {
        burner.join();
    }
    std::cout << count << " CPU burners; " << meter.summary() << '\n';
    EXPECT_LT(meter.longestMs(), 100) << meter.longestHandler().toStdString();
}
