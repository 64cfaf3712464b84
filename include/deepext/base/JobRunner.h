#pragma once

#include "deepext/base/Error.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace deepext {

// Why a job (or a callback) did not produce a value.
struct JobFailure
{
    QString message;
    QString details;
    bool cancelled = false;
};

template <typename T>
struct JobOutcome
{
    std::optional<T> value;
    JobFailure failure;
    bool ok() const { return value.has_value(); }
};

// Calls `call` and returns what it threw as a failure instead of letting it cross a thread or the event loop, where
// an exception ends the process. Every callback the event loop or a thread pool calls goes through this.
template <typename Call>
std::optional<JobFailure> catchFailure(Call&& call) noexcept
{
    try {
        std::forward<Call>(call)();
        return std::nullopt;
    } catch (const Error& error) {
        return JobFailure{QString::fromStdString(error.message()), QString::fromStdString(error.details()),
                          error.isCancelled()};
    } catch (const std::exception& error) {
        return JobFailure{QString::fromUtf8(error.what()), QString(), false};
    } catch (...) {
        return JobFailure{QStringLiteral("an unexpected error occurred"), QString(), false};
    }
}

// Runs disk work (registry reads and writes, card reads, scans) off the thread it lives on, the GUI thread, and
// hands the outcome back there, unless the receiver is gone by then. Work that throws becomes the outcome's failure;
// a done callback that throws is logged and reported through callbackFailed(), never through the event loop.
// Inline mode (the CLI) runs the work and then the callback at once on the caller's thread, with the same outcome
// and the same guards, so core operations can use one code path for both front ends.
class JobRunner final : public QObject
{
    Q_OBJECT

public:
    enum class Mode
    {
        Background,
        Inline,
    };

    explicit JobRunner(Mode mode = Mode::Background, QObject* parent = nullptr);
    ~JobRunner() override; // waits for running jobs

    Mode mode() const { return m_mode; }
    QThreadPool* pool() { return &m_pool; }

    // Runs `work()`, then `done(JobOutcome)` on this runner's thread unless `receiver` is gone by then (the receiver
    // is checked on that thread only, where it is deleted).
    template <typename Work, typename Done>
    void run(QObject* receiver, Work work, Done done);

    // Calls `call` on this runner's thread unless `receiver` is gone by then; safe from any thread. The QPointer
    // must have been made on this runner's thread (capture it before starting the work).
    void post(const QPointer<QObject>& receiver, std::function<void()> call);

    // Runs `call` now under the guard: a throw is logged (naming `where`) and reported through callbackFailed().
    // True when it returned normally.
    bool guarded(const char* where, const std::function<void()>& call);

    void waitForDone();

    // Runs `work` on the calling thread, turning what it throws into the outcome's failure.
    template <typename Work>
    static auto capture(Work& work);

signals:
    // A callback threw: what it said, for the user (the GUI shows it as an error).
    void callbackFailed(const QString& message, const QString& details);

private:
    void report(const char* where, const JobFailure& failure);

    Mode m_mode;
    QThreadPool m_pool;
};

template <typename Work>
auto JobRunner::capture(Work& work)
{
    using Raw = std::invoke_result_t<Work&>;
    using Value = std::conditional_t<std::is_void_v<Raw>, std::monostate, Raw>;
    JobOutcome<Value> outcome;
    if (auto failure = catchFailure([&] {
            if constexpr (std::is_void_v<Raw>) {
                work();
                outcome.value = std::monostate{};
            } else {
                outcome.value = work();
            }
        })) {
        outcome.value.reset();
        outcome.failure = std::move(*failure);
    }
    return outcome;
}

template <typename Work, typename Done>
void JobRunner::run(QObject* receiver, Work work, Done done)
{
    QPointer<QObject> guard(receiver);
    if (m_mode == Mode::Inline) {
        auto outcome = capture(work);
        if (guard) {
            guarded("a job's completion", [&] { done(std::move(outcome)); });
        }
        return;
    }
    m_pool.start([this, guard = std::move(guard), work = std::move(work), done = std::move(done)]() mutable {
        auto outcome = capture(work);
        QMetaObject::invokeMethod(
            this,
            [this, guard = std::move(guard), done = std::move(done), outcome = std::move(outcome)]() mutable {
                if (guard) {
                    guarded("a job's completion", [&] { done(std::move(outcome)); });
                }
            },
            Qt::QueuedConnection);
    });
}

} // namespace deepext
