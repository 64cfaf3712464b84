#include "gui/LogSink.h"

#include "deepext/base/Logging.h"
#include "gui/LogModel.h"

#include <QDateTime>
#include <QMetaObject>

namespace deepext::gui {

std::shared_ptr<LogSink> LogSink::instance()
{
    static const std::shared_ptr<LogSink> sink = [] {
        auto created = std::make_shared<LogSink>();
        created->set_level(spdlog::level::info);
        logging::addSink(created);
        return created;
    }();
    return sink;
}

void LogSink::attach(LogModel* model)
{
    std::lock_guard lock(mutex_);
    m_model = model;
}

void LogSink::detach(LogModel* model)
{
    std::lock_guard lock(mutex_);
    if (m_model == model) {
        m_model = nullptr;
    }
}

void LogSink::sink_it_(const spdlog::details::log_msg& message)
{
    // Called with mutex_ held, so the model cannot be detached (and destroyed) under our feet.
    if (!m_model) {
        return;
    }
    LogModel::Line line;
    line.level = static_cast<int>(message.level);
    line.logger = QString::fromUtf8(message.logger_name.data(), static_cast<qsizetype>(message.logger_name.size()));
    line.text = QString::fromUtf8(message.payload.data(), static_cast<qsizetype>(message.payload.size()));
    line.time = QDateTime::currentDateTime();
    QMetaObject::invokeMethod(
        m_model, [model = m_model, line = std::move(line)] { model->append(line); }, Qt::QueuedConnection);
}

} // namespace deepext::gui
