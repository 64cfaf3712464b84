#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

#include <spdlog/sinks/base_sink.h>

#include <memory>
#include <mutex>

namespace deepext::gui {

class LogModel;

// The spdlog sink behind the log dock: every line any logger writes, on any thread, is handed to the attached
// LogModel as a queued call. The sink lives as long as the logging system (which has no remove), so the model
// attaches and detaches instead of owning it.
class LogSink final : public spdlog::sinks::base_sink<std::mutex>
{
public:
    // The process-wide instance, added to every named logger on first use.
    static std::shared_ptr<LogSink> instance();

    void attach(LogModel* model);
    void detach(LogModel* model);

protected:
    void sink_it_(const spdlog::details::log_msg& message) override;
    void flush_() override {}

private:
    LogModel* m_model = nullptr; // guarded by base_sink's mutex
};

} // namespace deepext::gui
